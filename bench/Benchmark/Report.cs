using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>The table bench.sh prints, with the issue's targets beside the figures, and the same figures as JSON.</summary>
internal sealed class Report(string load, int cores, Options options, IReadOnlyList<OverheadResult> overhead,
    IReadOnlyList<BurstResult> bursts, IReadOnlyList<FootprintResult> footprints)
{
    public const double OverheadTarget = 1.2;
    public const double BurstTarget = 3.0;
    public const double IdleRssTargetMb = 50;
    public const double ReadyTargetMs = 300;

    public string Table()
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        Line($"pdns-webhook benchmark: {cores} cores, load average {load} at start, all traffic on 127.0.0.1");
        Line($"1 and 2 measure the {(options.Image is null ? "framework-dependent build (--skip-native)" : "image's NativeAOT build")}, reached as the " +
            "aggregator reaches it: HTTPS, HTTP/2 on one kept-alive connection, the front-proxy client certificate, X-Remote-User");
        Line("");
        Line($"1. Overhead: one Present + one CleanUp of a fresh name, ms ({options.Samples} interleaved pairs after 20 warm-up)");
        Line($"{"PowerDNS",-9} {"path",-46} {"p50",7} {"p95",7} {"p99",7} {"ratio p50",9}  {"target",-8} met");
        foreach (var o in overhead)
        {
            Line($"{o.Version,-9} {"webhook (HTTPS, HTTP/2, front-proxy cert)",-46} {F(o.Webhook.P50),7} {F(o.Webhook.P95),7} {F(o.Webhook.P99),7}");
            Line($"{o.Version,-9} {"direct: " + o.Direct,-46} {F(o.DirectStats.P50),7} {F(o.DirectStats.P95),7} {F(o.DirectStats.P99),7} " +
                $"{F(o.Ratio),9}  {"<= " + F(OverheadTarget, 1),-8} {Met(o.Ratio <= OverheadTarget && o.Errors == 0)}" + (o.Errors > 0 ? $" ({o.Errors} errors)" : ""));
            Line($"{"",-9}   where the webhook's time goes, p50: solver per action (its log) {F(o.SolverPerAction.P50)}; " +
                $"GET /readyz {F(o.Anonymous.P50)}; GET discovery, authenticated {F(o.Authenticated.P50)}");
        }

        Line("");
        Line($"2. Burst: 60 names in one zone + 20 keys on one name = 80 challenges at once, then their 80 CleanUps at once; " +
            $"{options.Rounds} rounds, median ms; errors of {160 * options.Rounds} calls, lost of {80 * options.Rounds} values");
        Line($"{"PowerDNS",-9} {"contender",-24} {"present",8} {"cleanup",8} {"total",8} {"x batch",7} {"errors",6} {"lost",5} {"left",5}  {"target",-31} met");
        foreach (var b in bursts)
        {
            var batched = bursts.Single(x => x.Version == b.Version && x.Contender == Workloads.Batched).TotalMs;
            var ratio = b.TotalMs / batched;
            var target = b.Contender == Workloads.Webhook ? $"0 errors, 0 lost, <= {F(BurstTarget, 0)}x batch" : "";
            var met = b.Contender == Workloads.Webhook ? Met(WebhookBurstMet(b, ratio)) : "";
            Line($"{b.Version,-9} {b.Contender,-24} {F(Stats.Median(b.PresentMs)),8} {F(Stats.Median(b.CleanUpMs)),8} {F(b.TotalMs),8} {F(ratio),7} " +
                $"{b.Errors,6} {b.Lost,5} {b.Leftover,5}  {target,-31} {met}");
        }

        foreach (var b in bursts.Where(b => b.FirstError is not null))
        {
            Line($"  first error, {b.Contender} on {b.Version}: {Shorten(b.FirstError ?? "")}");
        }

        Line("");
        Line($"3. Footprint: {options.Starts} starts each, medians; RSS = VmRSS, private = anonymous + shared-memory pages (not file-backed code)");
        Line($"{"build",-44} {"size MB",7} {"ready ms",8} {"idle RSS",8} {"private",7} {"RSS after burst",15}  {"target",-22} met");
        foreach (var f in footprints)
        {
            var (ready, rss) = (Stats.Median(f.ReadyMs), Stats.Median(f.IdleRssMb));
            Line($"{f.Build.Name,-44} {F(f.Bytes / 1048576.0, 1),7} {F(ready, 0),8} {F(rss, 1),8} {F(Stats.Median(f.IdlePrivateMb), 1),7} {F(f.BurstRssMb, 1),15}  " +
                $"{$"ready <= {ReadyTargetMs:0}, RSS <= {IdleRssTargetMb:0}",-22} {Met(ready <= ReadyTargetMs)}/{Met(rss <= IdleRssTargetMb)}" +
                (f.BurstErrors > 0 ? $" ({f.BurstErrors} burst errors)" : ""));
        }

        foreach (var f in footprints)
        {
            Line($"  {f.Build.Name}: {f.Build.Note}; ready ms of each start: {string.Join(", ", f.ReadyMs.Select(r => F(r, 0)))}");
        }

        return text.ToString();
    }

    public string Json()
    {
        var json = new JsonObject
        {
            ["machine"] = new JsonObject { ["cores"] = cores, ["loadAverageAtStart"] = load },
            ["measuredBuild"] = options.Image is null ? "framework-dependent" : "image (NativeAOT)",
            ["targets"] = new JsonObject
            {
                ["overheadRatioP50Max"] = OverheadTarget,
                ["burstTimeVsBatchedMax"] = BurstTarget,
                ["idleRssMbMax"] = IdleRssTargetMb,
                ["readyMsMax"] = ReadyTargetMs,
            },
            ["overhead"] = new JsonArray([.. overhead.Select(o => (JsonNode)new JsonObject
            {
                ["powerDns"] = o.Version,
                ["direct"] = o.Direct,
                ["samples"] = o.Webhook.Count,
                ["webhookMs"] = Percentiles(o.Webhook),
                ["directMs"] = Percentiles(o.DirectStats),
                ["ratioP50"] = Round(o.Ratio),
                ["errors"] = o.Errors,
                ["solverPerActionMs"] = Percentiles(o.SolverPerAction),
                ["readyzMs"] = Percentiles(o.Anonymous),
                ["authenticatedDiscoveryMs"] = Percentiles(o.Authenticated),
                ["met"] = o.Ratio <= OverheadTarget && o.Errors == 0,
            })]),
            ["burst"] = new JsonArray([.. bursts.Select(b =>
            {
                var ratio = b.TotalMs / bursts.Single(x => x.Version == b.Version && x.Contender == Workloads.Batched).TotalMs;
                return (JsonNode)new JsonObject
                {
                    ["powerDns"] = b.Version,
                    ["contender"] = b.Contender,
                    ["presentMs"] = new JsonArray([.. b.PresentMs.Select(v => (JsonNode)Round(v))]),
                    ["cleanUpMs"] = new JsonArray([.. b.CleanUpMs.Select(v => (JsonNode)Round(v))]),
                    ["medianTotalMs"] = Round(b.TotalMs),
                    ["timeVsBatched"] = Round(ratio),
                    ["calls"] = 2 * b.Challenges,
                    ["errors"] = b.Errors,
                    ["lost"] = b.Lost,
                    ["leftover"] = b.Leftover,
                    ["firstError"] = b.FirstError,
                    ["met"] = b.Contender == Workloads.Webhook ? WebhookBurstMet(b, ratio) : null,
                };
            })]),
            ["footprint"] = new JsonArray([.. footprints.Select(f => (JsonNode)new JsonObject
            {
                ["build"] = f.Build.Name,
                ["note"] = f.Build.Note,
                ["bytes"] = f.Bytes,
                ["readyMs"] = new JsonArray([.. f.ReadyMs.Select(v => (JsonNode)Round(v))]),
                ["idleRssMb"] = new JsonArray([.. f.IdleRssMb.Select(v => (JsonNode)Round(v))]),
                ["idlePrivateMb"] = new JsonArray([.. f.IdlePrivateMb.Select(v => (JsonNode)Round(v))]),
                ["rssAfterBurstMb"] = Round(f.BurstRssMb),
                ["privateAfterBurstMb"] = Round(f.BurstPrivateMb),
                ["burstErrors"] = f.BurstErrors,
                ["readyMet"] = Stats.Median(f.ReadyMs) <= ReadyTargetMs,
                ["idleRssMet"] = Stats.Median(f.IdleRssMb) <= IdleRssTargetMb,
            })]),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static bool WebhookBurstMet(BurstResult b, double ratio) => b.Errors == 0 && b.Lost == 0 && b.Leftover == 0 && ratio <= BurstTarget;

    private static JsonObject Percentiles(Stats s) => new() { ["p50"] = Round(s.P50), ["p95"] = Round(s.P95), ["p99"] = Round(s.P99) };

    private static double Round(double value) => Math.Round(value, 2);

    private static string F(double value, int decimals = 2) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Met(bool met) => met ? "yes" : "NO";

    private static string Shorten(string text) => text.ReplaceLineEndings(" ") is var line && line.Length > 160 ? line[..160] + "..." : line;
}
