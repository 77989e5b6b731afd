using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Conformance.Tests;

/// <summary>
/// The result of every cell (case x PowerDNS version x variant) in this run, rendered as the table the suite ends
/// with. Also written to TestResults/conformance-table.md beside the test binary when the run ends.
/// </summary>
public sealed class ConformanceReport : IAsyncLifetime
{
    private readonly ConcurrentQueue<Cell> _cells = new();

    internal IReadOnlyCollection<Cell> Cells => _cells;

    internal void Add(Cell cell) => _cells.Enqueue(cell);

    /// <summary>A Markdown table, in the order the cells ran, and a closing count.</summary>
    internal string Table()
    {
        var rows = _cells.ToArray();
        var table = new StringBuilder()
            .AppendLine("| case | PowerDNS | variant | result | time |")
            .AppendLine("|---|---|---|---|---:|");
        foreach (var cell in rows)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {cell.Case} | {cell.PowerDns} | {cell.Variant} | {(cell.Passed ? "pass" : "FAIL")} | {cell.Time.TotalSeconds:0.00} s |");
        }

        return table
            .AppendLine(CultureInfo.InvariantCulture, $"{rows.Count(c => c.Passed)} of {rows.Length} cells passed in {rows.Sum(c => c.Time.TotalSeconds):0.0} s")
            .ToString();
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (!_cells.IsEmpty)
        {
            var directory = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults"));
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "conformance-table.md"), Table());
        }
    }

    internal sealed record Cell(string Case, string PowerDns, string Variant, bool Passed, TimeSpan Time);
}
