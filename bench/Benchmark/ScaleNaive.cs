using System.Diagnostics;
using System.Globalization;

namespace Benchmark;

/// <summary>
/// The naive read-modify-write solver on one cell of the scale curve. <paramref name="Stopped"/> says why it did not
/// finish: over its time budget, a value lost (it stops there), or skipped after a smaller burst on the same zones did not finish.
/// </summary>
internal sealed record NaiveResult(double PerChallengeMs, int Errors, int Lost, int Leftover, string? Stopped)
{
    /// <summary>Within the budget, nothing lost: its larger bursts are worth running.</summary>
    public bool Finished => Stopped is null;

    /// <summary>Finished with no error and nothing left: its time per challenge is comparable with the webhook's.</summary>
    public bool Clean => Finished && Errors + Leftover == 0;

    public string Summary => Stopped ?? F(PerChallengeMs) + (Errors + Leftover > 0 ? $" ({Errors} err, {Leftover} left)" : "");

    public static NaiveResult Skipped(NaiveResult? smaller) => new(double.NaN, 0, 0, 0, smaller is null ? "not run" : "skipped (smaller DNF)");

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}

/// <summary>
/// Every Present at once, then every CleanUp at once, each a read-modify-write of its own name straight to PowerDNS (as
/// the existing solvers do), under one time budget for the cell. Values it left behind are deleted afterwards with one
/// PATCH per zone, so the zones hold only their fill for the next cell.
/// </summary>
internal static class ScaleNaive
{
    public static async Task<NaiveResult> CellAsync(PowerDns pdns, string[] zones, int count, string label, TimeSpan budget)
    {
        var challenges = Enumerable.Range(0, count)
            .Select(i => (Zone: zones[i % zones.Length], Fqdn: $"_acme-challenge.{label}n{i}.{zones[i % zones.Length]}", Key: Workloads.Key())).ToArray();
        using var deadline = new CancellationTokenSource(budget);
        async Task<(double Ms, string?[] Errors)> PhaseAsync(string action)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var calls = challenges.Select(c => Task.Run(async () =>
            {
                await gate.Task;
                return await DirectCalls.ReadModifyWriteAsync(pdns, action, c.Fqdn, c.Key, c.Zone, deadline.Token);
            })).ToArray();
            var started = Stopwatch.GetTimestamp();
            gate.SetResult();
            var errors = await Task.WhenAll(calls);
            return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, errors);
        }

        var result = await RunAsync(pdns, zones, challenges.Select(c => (c.Fqdn, c.Key)).ToArray(), PhaseAsync, budget, deadline.Token);
        if (!result.Clean)
        {
            await SettledAsync(pdns, zones, label);
            foreach (var zone in challenges.GroupBy(c => c.Zone))
            {
                await DirectCalls.PatchAsync(pdns, zone.Select(c => new DirectCalls.Edit(c.Fqdn, "DELETE", [])), zone.Key);
            }
        }

        return result;
    }

    // Calls given up on are still queued in PowerDNS, and would land after the clean-up or slow the next cell: wait
    // until the names the naive solver writes stop changing (5 s apart) before deleting them.
    private static async Task SettledAsync(PowerDns pdns, string[] zones, string label)
    {
        var last = -1;
        await Eventually.ReturnsAsync(async () =>
        {
            var (previous, now) = (last, last = (await Scale.HeldAsync(pdns, zones)).Keys.Count(k => k.Contains(label + "n", StringComparison.Ordinal)));
            return previous == now;
        }, settled => settled, TimeSpan.FromMinutes(5), every: TimeSpan.FromSeconds(5));
    }

    private static async Task<NaiveResult> RunAsync(PowerDns pdns, string[] zones, (string Fqdn, string Key)[] challenges,
        Func<string, Task<(double Ms, string?[] Errors)>> phaseAsync, TimeSpan budget, CancellationToken deadline)
    {
        var didNotFinish = new NaiveResult(double.NaN, 0, 0, 0, $"DNF in {budget.TotalSeconds:0} s");
        var present = await phaseAsync("Present");
        if (deadline.IsCancellationRequested)
        {
            return didNotFinish;
        }

        var held = await Scale.HeldAsync(pdns, zones);
        var lost = challenges.Where((c, i) => present.Errors[i] is null).Count(c => !(held.TryGetValue(c.Fqdn, out var v) && v.Contains(c.Key)));
        if (lost > 0)
        {
            return new NaiveResult(double.NaN, present.Errors.Count(e => e is not null), lost, 0, $"lost {lost} of {challenges.Length}");
        }

        var cleanUp = await phaseAsync("CleanUp");
        if (deadline.IsCancellationRequested)
        {
            return didNotFinish;
        }

        held = await Scale.HeldAsync(pdns, zones);
        var leftover = challenges.Count(c => held.TryGetValue(c.Fqdn, out var v) && v.Contains(c.Key));
        var errors = present.Errors.Concat(cleanUp.Errors).Count(e => e is not null);
        return new NaiveResult((present.Ms + cleanUp.Ms) / challenges.Length, errors, 0, leftover, null);
    }
}
