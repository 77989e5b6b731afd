using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>One cell of the scale curve: a burst of <paramref name="Challenges"/> over <paramref name="Zones"/> full zones.</summary>
internal sealed record ScaleResult(string Version, int Challenges, int Zones, double PresentMs, double CleanUpMs, int Errors, int Lost,
    int Leftover, long Patches, long ZoneReads, double PeakMb, string? FirstError)
{
    public double PerChallengeMs => (PresentMs + CleanUpMs) / Challenges;
}

/// <summary>
/// The scale curve: each cell starts a fresh webhook (so VmHWM is that cell's peak), sends every Present at once, checks
/// PowerDNS holds every value, sends every CleanUp at once and checks none is left. Challenges are spread round-robin over
/// zones that each already hold <see cref="Options.ScaleFill"/> TXT RRSets; the webhook's own /metrics count its PATCHes
/// and whole-zone reads.
/// </summary>
internal static class Scale
{
    public static async Task<List<ScaleResult>> MeasureAsync(Func<Task<WebhookProcess>> start, PowerDns pdns, Options options)
    {
        var zones = await FillZonesAsync(pdns, options.ScaleZones.Max(), options.ScaleFill);
        List<ScaleResult> results = [];
        foreach (var zoneCount in options.ScaleZones)
        {
            foreach (var challenges in options.ScaleChallenges)
            {
                await using var webhook = await start();
                results.Add(await CellAsync(webhook, pdns, zones[..zoneCount], challenges, $"c{challenges}z{zoneCount}"));
            }
        }

        return results;
    }

    private static async Task<ScaleResult> CellAsync(WebhookProcess webhook, PowerDns pdns, string[] zones, int count, string label)
    {
        var challenges = Enumerable.Range(0, count).Select(i => (Zone: zones[i % zones.Length], Key: Workloads.Key()))
            .Select((c, i) => (c.Zone, Fqdn: $"_acme-challenge.{label}n{i}.{c.Zone}", c.Key)).ToArray();
        async Task<(double Ms, string?[] Errors)> PhaseAsync(string action)
        {
            var started = Stopwatch.GetTimestamp();
            var errors = await Task.WhenAll(challenges.Select(c => Task.Run(() => webhook.SolveAsync(action, c.Fqdn, c.Key, pdns, c.Zone))));
            return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, errors);
        }

        // A fresh process: one solve first, so the first cell does not pay for its JIT and its first connections.
        var warm = (Fqdn: $"_acme-challenge.{label}warm.{zones[0]}", Key: Workloads.Key());
        var warmErrors = new[] { await webhook.SolveAsync("Present", warm.Fqdn, warm.Key, pdns, zones[0]), await webhook.SolveAsync("CleanUp", warm.Fqdn, warm.Key, pdns, zones[0]) };
        var before = await SettledCallsAsync(webhook);
        var present = await PhaseAsync("Present");
        var held = await HeldAsync(pdns, zones);
        var lost = challenges.Where((c, i) => present.Errors[i] is null).Count(c => !(held.TryGetValue(c.Fqdn, out var v) && v.Contains(c.Key)));
        var cleanUp = await PhaseAsync("CleanUp");
        held = await HeldAsync(pdns, zones);
        var leftover = challenges.Count(c => held.TryGetValue(c.Fqdn, out var v) && v.Contains(c.Key));
        var after = await SettledCallsAsync(webhook);
        var errors = warmErrors.Concat(present.Errors).Concat(cleanUp.Errors).OfType<string>().ToArray();
        return new ScaleResult(pdns.Version, count, zones.Length, present.Ms, cleanUp.Ms, errors.Length, lost, leftover,
            after.Patches - before.Patches, after.ZoneReads - before.ZoneReads, PeakMb(webhook.Process.Id), errors.FirstOrDefault());
    }

    // Zones z0.scale.test. ... each created, then filled through one batched PATCH.
    private static async Task<string[]> FillZonesAsync(PowerDns pdns, int count, int fill)
    {
        var zones = Enumerable.Range(0, count).Select(i => $"z{i}.scale.test.").ToArray();
        foreach (var zone in zones)
        {
            using var created = await pdns.Api.PostAsJsonAsync(new Uri("/api/v1/servers/localhost/zones", UriKind.Relative),
                new JsonObject { ["name"] = zone, ["kind"] = "Native", ["nameservers"] = new JsonArray("ns1.bench.test.") });
            var filled = await DirectCalls.PatchAsync(pdns, Enumerable.Range(0, fill).Select(i => new DirectCalls.Edit($"fill{i}.{zone}", "REPLACE", [Workloads.Key()])), zone);
            if (!created.IsSuccessStatusCode || filled is not null)
            {
                throw new InvalidOperationException($"zone {zone}: HTTP {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}; fill: {filled}");
            }
        }

        return zones;
    }

    private static async Task<Dictionary<string, HashSet<string>>> HeldAsync(PowerDns pdns, string[] zones) =>
        (await Task.WhenAll(zones.Select(z => pdns.TxtRecordsAsync(z)))).SelectMany(d => d).ToDictionary(StringComparer.OrdinalIgnoreCase);

    // The exporter answers a scrape from a cache for 300 ms: the counts are settled once two scrapes further apart agree.
    private static async Task<(long Patches, long ZoneReads)> SettledCallsAsync(WebhookProcess webhook)
    {
        (long Patches, long ZoneReads)? last = null;
        var settled = await Eventually.ReturnsAsync(async () => (Previous: last, Current: last = await CallsAsync(webhook)),
            r => r.Previous == r.Current, TimeSpan.FromSeconds(30), every: TimeSpan.FromMilliseconds(400));
        return settled.Current.GetValueOrDefault();
    }

    // From the webhook's Prometheus exposition: PATCHes it sent, and whole-zone GETs (kind="zone"), after retries.
    private static async Task<(long Patches, long ZoneReads)> CallsAsync(WebhookProcess webhook)
    {
        var lines = (await webhook.Aggregator.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Split('\n')
            .Where(l => l.StartsWith("pdns_client_calls", StringComparison.Ordinal)).ToArray();
        long Sum(params string[] labels) => lines.Where(l => labels.All(x => l.Contains(x, StringComparison.Ordinal)))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return (Sum("method=\"PATCH\""), Sum("method=\"GET\"", "kind=\"zone\""));
    }

    private static double PeakMb(int pid) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
        .Select(l => double.Parse(l[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024).Single();
}
