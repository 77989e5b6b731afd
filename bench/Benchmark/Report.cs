using System.Globalization;
using System.Text;

namespace Benchmark;

/// <summary>The table bench.sh prints, with the issue's targets beside the figures (and the same figures as JSON: Report.Json.cs).</summary>
internal sealed partial class Report(string load, int cores, Options options, IReadOnlyList<OverheadResult> overhead,
    IReadOnlyList<BurstResult> bursts, IReadOnlyList<PropagationResult> propagation, IReadOnlyList<ScaleResult> scale,
    IReadOnlyList<FootprintResult> footprints)
{
    /// <summary>The burst may take this many times the floor for its requests plus the batched PATCHes.</summary>
    public const double BurstTarget = 1.3;
    // Issue 17's footprint targets for the image's build: executable, private memory at idle, time to ready.
    public const double SizeTargetMb = 25;
    public const double IdlePrivateTargetMb = 25;
    public const double ReadyTargetMs = 150;

    public string Table()
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        OverheadTable(Line);
        BurstTable(Line);
        PropagationTable(Line);
        ScaleTable(Line);
        FootprintTable(Line);
        return text.ToString();
    }

    private void OverheadTable(Action<string> line)
    {
        line($"pdns-webhook benchmark: {cores} cores, load average {load} at start, all traffic on loopback" + (options.Short ? "; --short: tiny sizes, figures mean nothing" : ""));
        line($"1 to 4 measure the {(options.Image is null ? "framework-dependent build (--skip-native)" : "image's NativeAOT build")}, reached as the " +
            "aggregator reaches it: HTTPS, HTTP/2 on one kept-alive connection, the front-proxy client certificate, X-Remote-User");
        line($"The floor: the same POSTs (path shape, body size) to the group's resource '{Webhook.NoOpResource}', which the webhook does not " +
            "serve: TLS, HTTP/2, authentication and authorization, the body read, then a 404");
        line("");
        line($"1. Overhead: one Present + one CleanUp of a fresh name, ms ({options.Samples} interleaved triples after {options.Warmup} warm-up)");
        line($"{"PowerDNS",-9} {"path",-46} {"p50",7} {"p95",7} {"p99",7}  {"target p50 (floor+direct+0.4)",-30} met");
        foreach (var o in overhead)
        {
            line($"{o.Version,-9} {"webhook (HTTPS, HTTP/2, front-proxy cert)",-46} {F(o.Webhook.P50),7} {F(o.Webhook.P95),7} {F(o.Webhook.P99),7}  " +
                $"{"<= " + F(o.TargetMs),-30} {Met(o.Met)}" + (o.Errors > 0 ? $" ({o.Errors} errors)" : ""));
            line($"{o.Version,-9} {"floor: 2 POSTs to the no-op resource",-46} {F(o.Floor.P50),7} {F(o.Floor.P95),7} {F(o.Floor.P99),7}");
            line($"{o.Version,-9} {"direct: " + o.Direct,-46} {F(o.DirectStats.P50),7} {F(o.DirectStats.P95),7} {F(o.DirectStats.P99),7}");
            line($"{"",-9}   p50: webhook - floor - direct = {F(o.Webhook.P50 - o.Floor.P50 - o.DirectStats.P50)} for 2 actions; webhook / direct " +
                $"{F(o.Webhook.P50 / o.DirectStats.P50)}; solver per action (its log) {F(o.SolverPerAction.P50)}; GET /readyz (no auth) {F(o.Anonymous.P50)}");
            line($"{"",-9}   the webhook's CPU per action (all its threads, {options.Samples} pairs in a row): solve {F(o.CpuPerSolveMs)}, " +
                $"no-op {F(o.CpuPerNoOpMs)}, so the solver's own work {F(o.CpuPerSolveMs - o.CpuPerNoOpMs)}; the direct calls' client (this process) {F(o.CpuPerDirectMs)}");
        }
    }

    private void BurstTable(Action<string> line)
    {
        line("");
        var (names, shared) = options.Burst;
        line($"2. Burst: {names} names in one zone + {shared} keys on one name = {options.BurstChallenges} challenges at once, then their CleanUps at once; " +
            $"{options.Rounds} rounds, median ms; errors of {2 * options.BurstChallenges * options.Rounds} calls, lost of {options.BurstChallenges * options.Rounds} values");
        line($"{"PowerDNS",-9} {"contender",-24} {"present",8} {"cleanup",8} {"total",8} {"x batch",7} {"errors",6} {"lost",5} {"left",5}  {"target (1.3x (floor+batch))",-28} met");
        foreach (var b in bursts)
        {
            var webhook = b.Contender == Workloads.Webhook;
            line($"{b.Version,-9} {b.Contender,-24} {F(Stats.Median(b.PresentMs)),8} {F(Stats.Median(b.CleanUpMs)),8} {F(b.TotalMs),8} {F(b.TotalMs / Batched(b)),7} " +
                $"{b.Errors,6} {b.Lost,5} {b.Leftover,5}  {(webhook ? $"0 errors, 0 lost, <= {F(BurstTargetMs(b), 1)}" : ""),-28} {(webhook ? Met(BurstMet(b)) : "")}");
        }

        // The target's batch REPLACEs values the caller alone knows, which no solver sharing the zone may send.
        line("  one correct batch: the fewest calls that keep a shared zone right (one PATCH of EXTEND/PRUNE where the server has them, " +
            "else a GET of the zone, one PATCH REPLACE from it and a cache flush)");
        foreach (var version in bursts.Select(b => b.Version).Distinct())
        {
            var (floor, batch, correct) = (Burst(version, Workloads.Floor), Burst(version, Workloads.Batched), Burst(version, Workloads.Correct));
            line($"  {version}: one correct batch takes {F(correct / batch)}x the target's batch; the webhook takes " +
                $"{F(Burst(version, Workloads.Webhook) / (floor + correct))}x (floor + one correct batch)");
        }

        foreach (var b in bursts.Where(b => b.FirstError is not null))
        {
            line($"  first error, {b.Contender} on {b.Version}: {Shorten(b.FirstError ?? "")}");
        }
    }

    private void PropagationTable(Action<string> line)
    {
        line("");
        line($"3. Propagation with 'instances': from the Present request until every instance serves the value over DNS (polled every " +
            $"{Propagation.PollEvery.TotalMilliseconds:0} ms), and until the Present's answer; ms");
        line($"{"PowerDNS",-9} {"instances",9} {"load",-24} {"samples",7} {"all serve p50",13} {"p99",7} {"answer p50",10} {"p99",7} {"errors",6}");
        foreach (var p in propagation)
        {
            line($"{p.Version,-9} {p.Instances,9} {p.Load,-24} {p.AllServe.Count,7} {F(p.AllServe.P50),13} {F(p.AllServe.P99),7} {F(p.Answered.P50),10} {F(p.Answered.P99),7} {p.Errors,6}" +
                (p.FirstError is { } e ? $"  first error: {Shorten(e)}" : ""));
        }
    }

    private void FootprintTable(Action<string> line)
    {
        line("");
        line($"5. Footprint: {options.Starts} starts each, medians; RSS = VmRSS, private = anonymous + shared-memory pages (not file-backed code)");
        line($"{"build",-44} {"size MB",7} {"ready ms",8} {"idle RSS",8} {"private",7} {"RSS after burst",15}  {"target",-37} met");
        foreach (var f in footprints)
        {
            var (size, ready, rss, @private) = (f.Bytes / 1048576.0, Stats.Median(f.ReadyMs), Stats.Median(f.IdleRssMb), Stats.Median(f.IdlePrivateMb));
            line($"{f.Build.Name,-44} {F(size, 1),7} {F(ready, 0),8} {F(rss, 1),8} {F(@private, 1),7} {F(f.BurstRssMb, 1),15}  " +
                $"{$"size <= {SizeTargetMb:0}, ready <= {ReadyTargetMs:0}, private <= {IdlePrivateTargetMb:0}",-37} " +
                $"{Met(size <= SizeTargetMb)}/{Met(ready <= ReadyTargetMs)}/{Met(@private <= IdlePrivateTargetMb)}" +
                (f.BurstErrors > 0 ? $" ({f.BurstErrors} burst errors)" : ""));
        }

        foreach (var f in footprints)
        {
            line($"  {f.Build.Name}: {f.Build.Note}; ready ms of each start: {string.Join(", ", f.ReadyMs.Select(r => F(r, 0)))}");
        }
    }

    /// <summary>What makes the run fail whatever the figures: the webhook (or its floor, or the correct batch it is compared with) erred, lost or left a value.</summary>
    public IEnumerable<string> Failures() =>
        overhead.Where(o => o.Errors > 0).Select(o => $"overhead on {o.Version}: {o.Errors} errors")
            .Concat(bursts.Where(b => b.Contender is Workloads.Webhook or Workloads.Floor or Workloads.Correct && b.Errors + b.Lost + b.Leftover > 0)
                .Select(b => $"burst of the {b.Contender} on {b.Version}: {b.Errors} errors, {b.Lost} lost, {b.Leftover} left; {b.FirstError}"))
            .Concat(propagation.Where(p => p.Errors > 0).Select(p => $"propagation {p.Load}: {p.Errors} errors; {p.FirstError}"))
            .Concat(scale.Where(c => c.Errors + c.Lost + c.Leftover > 0)
                .Select(c => $"scale, {c.Challenges} over {c.Zones} zones on {c.Backend}: {c.Errors} errors, {c.Lost} lost, {c.Leftover} left; {c.FirstError}"))
            .Concat(footprints.Where(f => f.BurstErrors > 0).Select(f => $"footprint burst of {f.Build.Name}: {f.BurstErrors} errors, lost or left"));

    private double Burst(string version, string contender) => bursts.Single(x => x.Version == version && x.Contender == contender).TotalMs;

    private double Batched(BurstResult b) => Burst(b.Version, Workloads.Batched);

    private double BurstTargetMs(BurstResult b) => BurstTarget * (Burst(b.Version, Workloads.Floor) + Batched(b));

    private bool BurstMet(BurstResult b) => b.Errors == 0 && b.Lost == 0 && b.Leftover == 0 && b.TotalMs <= BurstTargetMs(b);

    private static string F(double value, int decimals = 2) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Met(bool met) => met ? "yes" : "NO";

    private static string Shorten(string text) => text.ReplaceLineEndings(" ") is var line && line.Length > 160 ? line[..160] + "..." : line;
}
