namespace Benchmark;

/// <summary>The scale curve's table: how the time per challenge grows with the challenges in flight.</summary>
internal sealed partial class Report
{
    /// <summary>The time per challenge may grow this much from the smallest burst to the largest (same zones, same backend).</summary>
    public const double ScaleGrowthTarget = 1.5;

    private void ScaleTable(Action<string> line)
    {
        line("");
        line($"4. Scale: every Present at once, then every CleanUp at once, through fresh webhooks; challenges round-robin over zones " +
            $"already holding {options.ScaleFill} TXT RRSets each; growth = ms per challenge / that of the fewest challenges on the same zones");
        line($"   PostgreSQL x2: 2 PowerDNS instances on one PostgreSQL database behind one Service address, 2 webhooks taking turns " +
            "(challenges alternate) under a Lease; PATCHes summed, peak = the larger of the two");
        line($"   naive: each challenge a read-modify-write straight to PowerDNS, all at once, on the same zones; stopped after " +
            $"{options.NaiveBudget.TotalSeconds:0} s (DNF) or once a value is lost. Target: 0 errors/lost/left, growth <= {ScaleGrowthTarget}x");
        line($"{"backend",-20} {"challenges",10} {"zones",5} {"present ms",10} {"cleanup ms",10} {"ms/chal.",8} {"growth",6} {"errors",6} {"lost",5} " +
            $"{"left",5} {"PATCHes",7} {"ms/PATCH",8} {"zone GETs",9} {"peak MB",7} {"met",3}  {"naive ms/chal.",-24}");
        foreach (var c in scale)
        {
            line($"{c.Backend,-20} {c.Challenges,10} {c.Zones,5} {F(c.PresentMs, 0),10} {F(c.CleanUpMs, 0),10} {F(c.PerChallengeMs),8} {F(Growth(c)),6} " +
                $"{c.Errors,6} {c.Lost,5} {c.Leftover,5} {c.Patches,7} {F(c.PatchMs, 1),8} {c.ZoneReads,9} {F(c.PeakMb, 1),7} {Met(ScaleMet(c)),3}  {c.Naive.Summary,-24}");
        }

        foreach (var c in scale.Where(c => c.FirstError is not null))
        {
            line($"  first error, {c.Challenges} over {c.Zones} zones on {c.Backend}: {Shorten(c.FirstError ?? "")}");
        }

        GrowthLines(line);
    }

    // How cost grows with work, per backend and zones: from the fewest challenges to the most.
    private void GrowthLines(Action<string> line)
    {
        line($"   How cost grows with work (fewest -> most challenges, same backend and zones; target: ms per challenge x <= {ScaleGrowthTarget}):");
        foreach (var series in scale.GroupBy(c => (c.Backend, c.Zones)).Where(s => s.Count() > 1))
        {
            var (small, large) = (series.MinBy(c => c.Challenges)!, series.MaxBy(c => c.Challenges)!);
            var naive = small.Naive.Clean && large.Naive.Clean ? $"x{F(large.Naive.PerChallengeMs / small.Naive.PerChallengeMs)}" : "n/a (not clean at both sizes)";
            line($"   {series.Key.Backend,-20} {series.Key.Zones,3} zones: {small.Challenges} -> {large.Challenges} challenges (work x{F((double)large.Challenges / small.Challenges, 0)}): " +
                $"time x{F((large.PresentMs + large.CleanUpMs) / (small.PresentMs + small.CleanUpMs))}, ms per challenge x{F(Growth(large))} {Met(Growth(large) <= ScaleGrowthTarget)}, " +
                $"PATCHes x{F((double)large.Patches / Math.Max(1, small.Patches))}, peak MB {F(small.PeakMb, 0)} -> {F(large.PeakMb, 0)}; naive ms per challenge {naive}");
        }
    }

    private double Growth(ScaleResult c) =>
        c.PerChallengeMs / (scale.Where(x => x.Backend == c.Backend && x.Zones == c.Zones).MinBy(x => x.Challenges) ?? c).PerChallengeMs;

    private bool ScaleMet(ScaleResult c) => c.Errors + c.Lost + c.Leftover == 0 && Growth(c) <= ScaleGrowthTarget;
}
