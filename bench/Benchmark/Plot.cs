using System.Globalization;
using System.Text;

namespace Benchmark;

/// <summary>The scale curve as a PNG (time per challenge against challenges in flight), drawn by gnuplot when it is installed.</summary>
internal static class Plot
{
    /// <summary>Draws to <paramref name="png"/>; returns the line to print (where the plot is, or why there is none).</summary>
    public static async Task<string> DrawAsync(IReadOnlyList<ScaleResult> scale, string png)
    {
        if (!File.Exists("/usr/bin/gnuplot") || scale.Count == 0)
        {
            return "PNG: none (gnuplot is not installed; bench.sh installs gnuplot-nox)";
        }

        var series = scale.GroupBy(c => (c.Version, c.Zones)).ToArray();
        var script = new StringBuilder();
        script.Append(CultureInfo.InvariantCulture, $"set terminal pngcairo size 900,600\nset output '{png}'\n")
            .Append("set title 'pdns-webhook: time per challenge vs challenges in flight'\nset logscale x\nset key left top\n")
            .Append("set xlabel 'challenges in flight (Present, then CleanUp)'\nset ylabel 'ms per challenge'\nplot ")
            .AppendJoin(", ", series.Select(s => $"'-' using 1:2 with linespoints title 'PowerDNS {s.Key.Version}, {s.Key.Zones} zone(s)'"))
            .Append('\n');
        foreach (var s in series)
        {
            script.AppendJoin("", s.OrderBy(c => c.Challenges).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Challenges} {c.PerChallengeMs}\n")))
                .Append("e\n");
        }

        var file = Path.ChangeExtension(png, ".gnuplot");
        await File.WriteAllTextAsync(file, script.ToString());
        await using var gnuplot = new ChildProcess("/usr/bin/gnuplot", [file]);
        await gnuplot.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return File.Exists(png) ? $"PNG: {png}" : $"PNG: none (gnuplot failed: {gnuplot})";
    }
}
