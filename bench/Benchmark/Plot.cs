using System.Globalization;
using System.Text;

namespace Benchmark;

/// <summary>
/// The scale curve as a PNG (time per challenge against challenges in flight), drawn by gnuplot when it is installed:
/// the webhook's lines solid, the naive solver's dashed in the same colour, drawn only where it finished cleanly.
/// </summary>
internal static class Plot
{
    /// <summary>Draws to <paramref name="png"/>; returns the line to print (where the plot is, or why there is none).</summary>
    public static async Task<string> DrawAsync(IReadOnlyList<ScaleResult> scale, string png)
    {
        if (!File.Exists("/usr/bin/gnuplot") || scale.Count == 0)
        {
            return "PNG: none (gnuplot is not installed; bench.sh installs gnuplot-nox)";
        }

        var series = scale.GroupBy(c => (c.Backend, c.Zones)).Select((s, i) => (s.Key, Colour: i + 1, Cells: s.OrderBy(c => c.Challenges).ToArray())).ToArray();
        var naive = series.Where(s => s.Cells.Any(c => c.Naive.Clean)).ToArray();
        var script = new StringBuilder();
        script.Append(CultureInfo.InvariantCulture, $"set terminal pngcairo size 1100,700\nset output '{png}'\n")
            .Append("set title \"pdns-webhook: time per challenge vs challenges in flight\\n(dashed, open points: naive read-modify-write where it finished)\"\n")
            .Append("set logscale xy\nset key outside right top font ',9'\nset grid\n")
            .Append("set xlabel 'challenges in flight (Present, then CleanUp)'\nset ylabel 'ms per challenge'\nplot ")
            .AppendJoin(", ", series.Select(s => $"'-' using 1:2 with linespoints lc {s.Colour} dt 1 pt 7 title '{s.Key.Backend}, {s.Key.Zones} zone(s)'")
                .Concat(naive.Select(s => $"'-' using 1:2 with linespoints lc {s.Colour} dt 2 pt 6 title 'naive: {s.Key.Backend}, {s.Key.Zones} zone(s)'")))
            .Append('\n');
        foreach (var s in series)
        {
            Points(script, s.Cells.Select(c => (c.Challenges, c.PerChallengeMs)));
        }

        foreach (var s in naive)
        {
            Points(script, s.Cells.Where(c => c.Naive.Clean).Select(c => (c.Challenges, c.Naive.PerChallengeMs)));
        }

        var file = Path.ChangeExtension(png, ".gnuplot");
        await File.WriteAllTextAsync(file, script.ToString());
        await using var gnuplot = new ChildProcess("/usr/bin/gnuplot", [file]);
        await gnuplot.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return File.Exists(png) ? $"PNG: {png}" : $"PNG: none (gnuplot failed: {gnuplot})";
    }

    private static void Points(StringBuilder script, IEnumerable<(int Challenges, double Ms)> points) =>
        script.AppendJoin("", points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Challenges} {p.Ms}\n"))).Append("e\n");
}
