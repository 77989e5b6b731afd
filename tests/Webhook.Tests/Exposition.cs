using System.Globalization;
using System.Text.RegularExpressions;

namespace Webhook.Tests;

/// <summary>The Prometheus text format, read the way a scraper reads it: one sample per line, name, labels, value.</summary>
internal sealed partial record Exposition(IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> Samples)
{
    public static Exposition Parse(string text) => new([.. text.Split('\n')
        .Select(line => Sample().Match(line))
        .Where(m => m.Success)
        .Select(m => (m.Groups["name"].Value,
            (IReadOnlyDictionary<string, string>)Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value),
            double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))]);

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) => Samples
        .Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
        .Sum(s => s.Value);

    public bool Has(string name) => Samples.Any(s => s.Name == name);

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>[-+0-9.eE]+|NaN|\+Inf|-Inf)(\s+\d+)?\s*$""")]
    private static partial Regex Sample();

    [GeneratedRegex("""(\w+)="((?:[^"\\]|\\.)*)"\s*,?""")]
    private static partial Regex Label();
}
