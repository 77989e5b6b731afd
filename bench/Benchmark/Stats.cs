namespace Benchmark;

/// <summary>Percentiles of a sample, in milliseconds (nearest-rank).</summary>
internal sealed record Stats(int Count, double P50, double P95, double P99)
{
    public static Stats Of(IReadOnlyCollection<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        double Rank(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Stats(sorted.Length, Rank(0.50), Rank(0.95), Rank(0.99));
    }

    public static double Median(IEnumerable<double> values) => Of([.. values]).P50;
}
