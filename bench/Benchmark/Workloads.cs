using System.Diagnostics;
using System.Security.Cryptography;

namespace Benchmark;

internal sealed record BurstResult(string Version, string Contender, IReadOnlyList<double> PresentMs, IReadOnlyList<double> CleanUpMs,
    int Challenges, int Errors, int Lost, int Leftover, string? FirstError)
{
    public double TotalMs => Stats.Median(PresentMs.Zip(CleanUpMs, (p, c) => p + c));
}

internal static class Workloads
{
    public const string Webhook = "webhook";
    public const string Naive = "naive read-modify-write";
    public const string Batched = "one batched PATCH";
    public const string Floor = "no-op floor";
    public const string Correct = "one correct batch";

    /// <summary>
    /// cert-manager's burst: challenges for distinct names in one zone plus several for one name (apex and wildcard
    /// of many certificates), all in flight at once; then all their CleanUps at once. The floor sends the webhook's
    /// requests to its no-op resource: what the transport alone costs for them. Lost values are Presents acknowledged
    /// as done whose value PowerDNS does not hold afterwards (or never got); leftovers are values still there after CleanUp.
    /// <paramref name="atomic"/>: the server has EXTEND/PRUNE (4.9.12+), which decides what one correct batch is.
    /// </summary>
    public static async Task<(double PresentMs, double CleanUpMs, int Errors, int Lost, int Leftover, string? FirstError)> BurstAsync(
        string contender, WebhookProcess webhook, PowerDns pdns, string label, (int Names, int Shared) size, bool atomic = false)
    {
        var challenges = Enumerable.Range(0, size.Names).Select(i => (Fqdn: $"_acme-challenge.{label}-n{i}.{PowerDns.Zone}", Key: Key()))
            .Concat(Enumerable.Range(0, size.Shared).Select(_ => (Fqdn: $"_acme-challenge.{label}-shared.{PowerDns.Zone}", Key: Key()))).ToArray();

        async Task<(double Ms, string?[] Errors)> PhaseAsync(string action)
        {
            if (contender == Batched)
            {
                var edits = challenges.GroupBy(c => c.Fqdn)
                    .Select(g => new DirectCalls.Edit(g.Key, "REPLACE", action == "Present" ? [.. g.Select(c => c.Key)] : []));
                var started = Stopwatch.GetTimestamp();
                var error = await DirectCalls.PatchAsync(pdns, edits);
                return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, [.. challenges.Select(_ => error)]);
            }

            if (contender == Correct)
            {
                var started = Stopwatch.GetTimestamp();
                var error = await DirectCalls.CorrectBatchAsync(pdns, atomic, action == "Present", challenges);
                return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, [.. challenges.Select(_ => error)]);
            }

            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var calls = challenges.Select(c => Task.Run(async () =>
            {
                await gate.Task;
                return contender switch
                {
                    Webhook => await webhook.SolveAsync(action, c.Fqdn, c.Key, pdns),
                    Floor => await webhook.NoOpAsync(action, c.Fqdn, c.Key, pdns),
                    _ => await DirectCalls.ReadModifyWriteAsync(pdns, action, c.Fqdn, c.Key),
                };
            })).ToArray();
            var begun = Stopwatch.GetTimestamp();
            gate.SetResult();
            var errors = await Task.WhenAll(calls);
            return (Stopwatch.GetElapsedTime(begun).TotalMilliseconds, errors);
        }

        var present = await PhaseAsync("Present");
        var held = await pdns.TxtRecordsAsync();
        var writes = contender != Floor;
        var lost = !writes ? 0 : challenges.Where((c, i) => present.Errors[i] is null).Count(c => !(held.TryGetValue(c.Fqdn, out var v) && v.Contains(c.Key)));
        var cleanUp = await PhaseAsync("CleanUp");
        held = await pdns.TxtRecordsAsync();
        var leftover = challenges.Count(c => held.TryGetValue(c.Fqdn, out var v) && v.Contains(c.Key));
        var errors = present.Errors.Concat(cleanUp.Errors).Where(e => e is not null).ToArray();
        return (present.Ms, cleanUp.Ms, errors.Length, lost, leftover, errors.FirstOrDefault());
    }

    /// <summary>Every contender's bursts on <paramref name="pdns"/>, the rounds interleaved and who goes first rotated.</summary>
    public static async Task<IEnumerable<BurstResult>> BurstsAsync(WebhookProcess webhook, PowerDns pdns, bool atomic, Options options)
    {
        string[] contenders = [Webhook, Floor, Naive, Batched, Correct];
        var results = contenders.ToDictionary(c => c, _ => new List<(double PresentMs, double CleanUpMs, int Errors, int Lost, int Leftover, string? FirstError)>());
        for (var round = 0; round < options.Rounds; round++)
        {
            for (var i = 0; i < contenders.Length; i++)
            {
                var contender = contenders[(round + i) % contenders.Length];
                results[contender].Add(await BurstAsync(contender, webhook, pdns, $"r{round}c{i}v{pdns.Version.Replace('.', '-')}", options.Burst, atomic));
            }
        }

        return results.Select(r => new BurstResult(pdns.Version, r.Key, [.. r.Value.Select(v => v.PresentMs)], [.. r.Value.Select(v => v.CleanUpMs)],
            options.BurstChallenges * options.Rounds, r.Value.Sum(v => v.Errors), r.Value.Sum(v => v.Lost), r.Value.Sum(v => v.Leftover),
            r.Value.Select(v => v.FirstError).FirstOrDefault(e => e is not null)));
    }

    /// <summary>A value shaped like an ACME DNS-01 key: 32 random bytes as unpadded base64url (43 characters).</summary>
    public static string Key() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
