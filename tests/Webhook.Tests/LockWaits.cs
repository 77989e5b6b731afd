using System.Globalization;

namespace Webhook.Tests;

/// <summary>How long webhook processes waited for their write lock, from their /metrics histograms, for the figures tests print.</summary>
internal static class LockWaits
{
    /// <summary>p50 and p99 of the lock wait over all <paramref name="replicas"/> (linear within a bucket), and the contention counts.</summary>
    public static async Task<string> DescribeAsync(IEnumerable<WebhookProcess> replicas)
    {
        var scraped = await Task.WhenAll(replicas.Select(r => r.Aggregator.GetStringAsync("/metrics")));
        var samples = scraped.Select(Exposition.Parse).SelectMany(e => e.Samples).ToList();
        var buckets = samples.Where(s => s.Name == "pdns_webhook_lock_wait_seconds_bucket" && s.Labels["result"] == "acquired")
            .GroupBy(s => s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], CultureInfo.InvariantCulture))
            .Select(g => (Le: g.Key, Count: g.Sum(s => s.Value))).OrderBy(b => b.Le).ToList();
        var contention = samples.Where(s => s.Name == "pdns_webhook_lock_contention_total")
            .GroupBy(s => s.Labels["reason"]).Select(g => $"{g.Key} {g.Sum(s => s.Value)}");
        if (buckets.Count == 0)
        {
            return "no lock waits measured";
        }

        return $"lock waits {buckets[^1].Count}, p50 {Quantile(buckets, 0.5) * 1000:0} ms, p99 {Quantile(buckets, 0.99) * 1000:0} ms; contention: {string.Join(", ", contention)}";
    }

    private static double Quantile(List<(double Le, double Count)> buckets, double q)
    {
        var rank = q * (buckets.Count > 0 ? buckets[^1].Count : 0);
        var (lowerLe, lowerCount) = (0.0, 0.0);
        foreach (var (le, count) in buckets)
        {
            if (count >= rank)
            {
                return double.IsPositiveInfinity(le) ? lowerLe : lowerLe + ((le - lowerLe) * (rank - lowerCount) / Math.Max(count - lowerCount, 1));
            }

            (lowerLe, lowerCount) = (le, count);
        }

        return double.NaN;
    }
}
