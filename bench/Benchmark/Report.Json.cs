using System.Text.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>The figures of the table as JSON, with the targets and whether each was met.</summary>
internal sealed partial class Report
{
    public string Json()
    {
        var json = new JsonObject
        {
            ["machine"] = new JsonObject { ["cores"] = cores, ["loadAverageAtStart"] = load },
            ["short"] = options.Short,
            ["measuredBuild"] = options.Image is null ? "framework-dependent" : "image (NativeAOT)",
            ["targets"] = new JsonObject
            {
                ["overheadP50MaxMs"] = "floor p50 + direct p50 + " + OverheadResult.AllowancePerActionMs + " per action",
                ["burstMax"] = BurstTarget + " x (floor + batched)",
                ["sizeMbMax"] = SizeTargetMb,
                ["idlePrivateMbMax"] = IdlePrivateTargetMb,
                ["readyMsMax"] = ReadyTargetMs,
                ["scaleGrowthMax"] = ScaleGrowthTarget,
                ["naiveBudgetSeconds"] = options.NaiveBudget.TotalSeconds,
            },
            ["overhead"] = new JsonArray([.. overhead.Select(o => (JsonNode)new JsonObject
            {
                ["powerDns"] = o.Version,
                ["direct"] = o.Direct,
                ["samples"] = o.Webhook.Count,
                ["webhookMs"] = Percentiles(o.Webhook),
                ["floorMs"] = Percentiles(o.Floor),
                ["directMs"] = Percentiles(o.DirectStats),
                ["targetP50Ms"] = Round(o.TargetMs),
                ["errors"] = o.Errors,
                ["solverPerActionMs"] = Percentiles(o.SolverPerAction),
                ["cpuPerSolveMs"] = Round(o.CpuPerSolveMs),
                ["cpuPerNoOpMs"] = Round(o.CpuPerNoOpMs),
                ["cpuPerDirectActionMs"] = Round(o.CpuPerDirectMs),
                ["readyzMs"] = Percentiles(o.Anonymous),
                ["met"] = o.Met,
            })]),
            ["burst"] = new JsonArray([.. bursts.Select(b => (JsonNode)new JsonObject
            {
                ["powerDns"] = b.Version,
                ["contender"] = b.Contender,
                ["presentMs"] = new JsonArray([.. b.PresentMs.Select(v => (JsonNode)Round(v))]),
                ["cleanUpMs"] = new JsonArray([.. b.CleanUpMs.Select(v => (JsonNode)Round(v))]),
                ["medianTotalMs"] = Round(b.TotalMs),
                ["timeVsBatched"] = Round(b.TotalMs / Batched(b)),
                ["calls"] = 2 * b.Challenges,
                ["errors"] = b.Errors,
                ["lost"] = b.Lost,
                ["leftover"] = b.Leftover,
                ["firstError"] = b.FirstError,
                ["targetMs"] = b.Contender == Workloads.Webhook ? Round(BurstTargetMs(b)) : null,
                ["met"] = b.Contender == Workloads.Webhook ? BurstMet(b) : null,
            })]),
            ["propagation"] = new JsonArray([.. propagation.Select(p => (JsonNode)new JsonObject
            {
                ["powerDns"] = p.Version,
                ["instances"] = p.Instances,
                ["load"] = p.Load,
                ["samples"] = p.AllServe.Count,
                ["allServeMs"] = Percentiles(p.AllServe),
                ["answeredMs"] = Percentiles(p.Answered),
                ["errors"] = p.Errors,
                ["firstError"] = p.FirstError,
            })]),
            ["scale"] = new JsonArray([.. scale.Select(c => (JsonNode)new JsonObject
            {
                ["backend"] = c.Backend,
                ["challenges"] = c.Challenges,
                ["zones"] = c.Zones,
                ["txtRRSetsPerZone"] = options.ScaleFill,
                ["presentMs"] = Round(c.PresentMs),
                ["cleanUpMs"] = Round(c.CleanUpMs),
                ["perChallengeMs"] = Round(c.PerChallengeMs),
                ["errors"] = c.Errors,
                ["lost"] = c.Lost,
                ["leftover"] = c.Leftover,
                ["patches"] = c.Patches,
                ["msPerPatch"] = Round(c.PatchMs),
                ["wholeZoneReads"] = c.ZoneReads,
                ["peakMb"] = Round(c.PeakMb),
                ["firstError"] = c.FirstError,
                ["growth"] = Round(Growth(c)),
                ["met"] = ScaleMet(c),
                ["naive"] = new JsonObject
                {
                    ["perChallengeMs"] = c.Naive.Finished ? Round(c.Naive.PerChallengeMs) : null,
                    ["errors"] = c.Naive.Errors,
                    ["lost"] = c.Naive.Lost,
                    ["leftover"] = c.Naive.Leftover,
                    ["stopped"] = c.Naive.Stopped,
                },
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
                ["sizeMet"] = f.Bytes / 1048576.0 <= SizeTargetMb,
                ["readyMet"] = Stats.Median(f.ReadyMs) <= ReadyTargetMs,
                ["idlePrivateMet"] = Stats.Median(f.IdlePrivateMb) <= IdlePrivateTargetMb,
            })]),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Percentiles(Stats s) => new() { ["p50"] = Round(s.P50), ["p95"] = Round(s.P95), ["p99"] = Round(s.P99) };

    private static double Round(double value) => Math.Round(value, 2);
}
