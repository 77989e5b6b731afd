namespace Benchmark;

/// <summary>The scale curve's table: how the time per challenge grows with the challenges in flight.</summary>
internal sealed partial class Report
{
    /// <summary>The time per challenge may grow this much from the smallest burst to the largest (same zones, same server).</summary>
    public const double ScaleGrowthTarget = 1.5;

    private void ScaleTable(Action<string> line)
    {
        line("");
        line($"4. Scale: every Present at once, then every CleanUp at once, through a fresh webhook; challenges round-robin over zones " +
            $"already holding {options.ScaleFill} TXT RRSets each; growth = time per challenge / that of the fewest challenges on the same zones");
        line($"{"PowerDNS",-9} {"challenges",10} {"zones",5} {"present ms",10} {"cleanup ms",10} {"ms/chal.",8} {"growth",6} {"errors",6} {"lost",5} " +
            $"{"left",5} {"PATCHes",7} {"zone GETs",9} {"peak MB",7}  {"target",-24} met");
        foreach (var c in scale)
        {
            var smallest = scale.Where(x => x.Version == c.Version && x.Zones == c.Zones).MinBy(x => x.Challenges) ?? c;
            var growth = c.PerChallengeMs / smallest.PerChallengeMs;
            var met = c.Errors + c.Lost + c.Leftover == 0 && growth <= ScaleGrowthTarget;
            line($"{c.Version,-9} {c.Challenges,10} {c.Zones,5} {F(c.PresentMs, 0),10} {F(c.CleanUpMs, 0),10} {F(c.PerChallengeMs),8} {F(growth),6} " +
                $"{c.Errors,6} {c.Lost,5} {c.Leftover,5} {c.Patches,7} {c.ZoneReads,9} {F(c.PeakMb, 1),7}  {$"0 errors/lost, <= {ScaleGrowthTarget}x",-24} {Met(met)}");
        }

        foreach (var c in scale.Where(c => c.FirstError is not null))
        {
            line($"  first error, {c.Challenges} over {c.Zones} zones on {c.Version}: {Shorten(c.FirstError ?? "")}");
        }
    }
}
