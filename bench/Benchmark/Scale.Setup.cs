using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>The scale curve's zones, and the webhooks' counts of their PowerDNS calls.</summary>
internal static partial class Scale
{
    // Zones z0.scale.test. ... each created, then filled through one batched PATCH, one zone at a time: concurrent fills
    // fail (HTTP 500) on SQLite with PowerDNS 4.7.3 (database is locked) and on the image's serializable PostgreSQL.
    private static async Task<string[]> FillZonesAsync(ScaleBackend backend, int count, int fill)
    {
        var started = Stopwatch.GetTimestamp();
        Console.Error.WriteLine($"bench: scale on {backend.Name}: creating {count} zones of {fill} TXT RRSets each");
        var zones = Enumerable.Range(0, count).Select(i => $"z{i}.scale.test.").ToArray();
        foreach (var zone in zones)
        {
            using var created = await backend.Pdns.Api.PostAsJsonAsync(new Uri("/api/v1/servers/localhost/zones", UriKind.Relative),
                new JsonObject { ["name"] = zone, ["kind"] = "Native", ["nameservers"] = new JsonArray("ns1.bench.test.") });
            var filled = await DirectCalls.PatchAsync(backend.Pdns, Enumerable.Range(0, fill).Select(i => new DirectCalls.Edit($"fill{i}.{zone}", "REPLACE", [Workloads.Key()])), zone);
            if (!created.IsSuccessStatusCode || filled is not null)
            {
                throw new InvalidOperationException($"zone {zone}: HTTP {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}; fill: {filled}");
            }
        }

        Console.Error.WriteLine($"bench: scale on {backend.Name}: zones filled in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
        return zones;
    }

    // The exporter answers a scrape from a cache for 300 ms: the counts are settled once two scrapes further apart agree.
    private static async Task<(long Patches, long ZoneReads, double PatchSeconds)> SettledCallsAsync(WebhookProcess webhook)
    {
        (long Patches, long ZoneReads, double PatchSeconds)? last = null;
        var settled = await Eventually.ReturnsAsync(async () => (Previous: last, Current: last = await CallsAsync(webhook)),
            r => r.Previous == r.Current, TimeSpan.FromSeconds(30), every: TimeSpan.FromMilliseconds(400));
        return settled.Current.GetValueOrDefault();
    }

    // From the webhook's Prometheus exposition: PATCHes it sent, whole-zone GETs (kind="zone"), after retries, and the
    // seconds its PATCHes took (PowerDNS's own time, retries included).
    private static async Task<(long Patches, long ZoneReads, double PatchSeconds)> CallsAsync(WebhookProcess webhook)
    {
        var lines = (await webhook.Aggregator.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Split('\n');
        double Sum(string metric, params string[] labels) => lines.Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal)
                && labels.All(x => l.Contains(x, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return ((long)Sum("pdns_client_calls_total", "method=\"PATCH\""), (long)Sum("pdns_client_calls_total", "method=\"GET\"", "kind=\"zone\""),
            Sum("pdns_client_call_duration_seconds_sum", "method=\"PATCH\""));
    }
}
