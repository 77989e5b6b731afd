using System.Diagnostics;
using System.Globalization;

namespace Benchmark;

/// <summary>
/// One setup of the scale curve: the PowerDNS holding the zones, and how a cell starts one webhook; with several
/// <paramref name="Webhooks"/>, the cell starts that many and the challenges alternate between them.
/// </summary>
internal sealed record ScaleBackend(string Name, PowerDns Pdns, Func<Task<WebhookProcess>> Start, int Webhooks = 1);

/// <summary>One cell of the scale curve: a burst of <paramref name="Challenges"/> over <paramref name="Zones"/> full zones.</summary>
internal sealed record ScaleResult(string Backend, int Challenges, int Zones, double PresentMs, double CleanUpMs, int Errors, int Lost,
    int Leftover, long Patches, double PatchMs, long ZoneReads, double PeakMb, string? FirstError, NaiveResult Naive)
{
    public double PerChallengeMs => (PresentMs + CleanUpMs) / Challenges;
}

/// <summary>
/// The scale curve: each cell starts fresh webhooks (so VmHWM is that cell's peak), sends every Present at once, checks
/// the database holds every value, sends every CleanUp at once and checks none is left; then the naive solver does the
/// same (<see cref="ScaleNaive"/>). Challenges are spread round-robin over zones that each already hold
/// <see cref="Options.ScaleFill"/> TXT RRSets (filled once per backend, reused by every cell); the webhooks' own /metrics
/// count their PATCHes and whole-zone reads, summed.
/// </summary>
internal static partial class Scale
{
    public static async Task<List<ScaleResult>> MeasureAsync(ScaleBackend backend, Options options)
    {
        var zones = await FillZonesAsync(backend, options.ScaleZones.Max(), options.ScaleFill);
        List<ScaleResult> results = [];
        foreach (var zoneCount in options.ScaleZones)
        {
            NaiveResult? gaveUp = null;
            foreach (var challenges in options.ScaleChallenges.Order())
            {
                var label = $"c{challenges}z{zoneCount}";
                var webhooks = await Task.WhenAll(Enumerable.Range(0, backend.Webhooks).Select(_ => backend.Start()));
                try
                {
                    var cell = await CellAsync(webhooks, backend, zones[..zoneCount], challenges, label);
                    var naive = gaveUp is { } g ? NaiveResult.Skipped(g) : await ScaleNaive.CellAsync(backend.Pdns, zones[..zoneCount], challenges, "naive" + label, options.NaiveBudget);
                    gaveUp ??= naive.Finished ? null : naive;
                    results.Add(cell with { Naive = naive });
                    Console.Error.WriteLine($"bench: scale on {backend.Name}, {challenges} over {zoneCount} zones: {cell.PerChallengeMs:F2} ms per challenge, " +
                        $"{cell.Errors} errors, {cell.Lost} lost, {cell.Leftover} left; naive: {naive.Summary}");
                }
                finally
                {
                    foreach (var webhook in webhooks)
                    {
                        await webhook.DisposeAsync();
                    }
                }
            }
        }

        return results;
    }

    private static async Task<ScaleResult> CellAsync(WebhookProcess[] webhooks, ScaleBackend backend, string[] zones, int count, string label)
    {
        var pdns = backend.Pdns;
        // Zones round-robin, and each zone's challenges round-robin over the webhooks, starting one webhook further each
        // zone: alternating both by i alone would send each zone's challenges through one webhook whenever the counts
        // share a factor (2 and 100).
        var challenges = Enumerable.Range(0, count)
            .Select(i => (Webhook: webhooks[(i / zones.Length + i % zones.Length) % webhooks.Length], Zone: zones[i % zones.Length], Fqdn: $"_acme-challenge.{label}n{i}.{zones[i % zones.Length]}", Key: Workloads.Key()))
            .ToArray();
        async Task<(double Ms, string?[] Errors)> PhaseAsync(string action)
        {
            var started = Stopwatch.GetTimestamp();
            var errors = await Task.WhenAll(challenges.Select(c => Task.Run(() => c.Webhook.SolveAsync(action, c.Fqdn, c.Key, pdns, c.Zone))));
            return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, errors);
        }

        // Fresh processes: one solve each first, so the first cell does not pay for their JIT and first connections.
        var warmErrors = await WarmAsync(webhooks, pdns, zones[0], label);
        var before = await Task.WhenAll(webhooks.Select(SettledCallsAsync));
        var present = await PhaseAsync("Present");
        var held = await HeldAsync(pdns, zones);
        var lost = challenges.Where((c, i) => present.Errors[i] is null).Count(c => !(held.TryGetValue(c.Fqdn, out var v) && v.Contains(c.Key)));
        var cleanUp = await PhaseAsync("CleanUp");
        held = await HeldAsync(pdns, zones);
        var leftover = challenges.Count(c => held.TryGetValue(c.Fqdn, out var v) && v.Contains(c.Key));
        var after = await Task.WhenAll(webhooks.Select(SettledCallsAsync));
        var errors = warmErrors.Concat(present.Errors).Concat(cleanUp.Errors).OfType<string>().ToArray();
        var patches = after.Sum(a => a.Patches) - before.Sum(b => b.Patches);
        return new ScaleResult(backend.Name, count, zones.Length, present.Ms, cleanUp.Ms, errors.Length, lost, leftover,
            patches, 1000 * (after.Sum(a => a.PatchSeconds) - before.Sum(b => b.PatchSeconds)) / Math.Max(1, patches),
            after.Sum(a => a.ZoneReads) - before.Sum(b => b.ZoneReads), webhooks.Max(w => PeakMb(w.Process.Id)), errors.FirstOrDefault(), NaiveResult.Skipped(null));
    }

    private static async Task<string?[]> WarmAsync(WebhookProcess[] webhooks, PowerDns pdns, string zone, string label)
    {
        List<string?> errors = [];
        foreach (var (webhook, i) in webhooks.Select((w, i) => (w, i)))
        {
            var (fqdn, key) = ($"_acme-challenge.{label}warm{i}.{zone}", Workloads.Key());
            errors.Add(await webhook.SolveAsync("Present", fqdn, key, pdns, zone));
            errors.Add(await webhook.SolveAsync("CleanUp", fqdn, key, pdns, zone));
        }

        return [.. errors];
    }

    /// <summary>Every TXT RRSet of <paramref name="zones"/> as the database holds them (through either API): name to values.</summary>
    public static async Task<Dictionary<string, HashSet<string>>> HeldAsync(PowerDns pdns, string[] zones) =>
        (await Task.WhenAll(zones.Select(z => pdns.TxtRecordsAsync(z)))).SelectMany(d => d).ToDictionary(StringComparer.OrdinalIgnoreCase);

    private static double PeakMb(int pid) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
        .Select(l => double.Parse(l[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024).Single();
}
