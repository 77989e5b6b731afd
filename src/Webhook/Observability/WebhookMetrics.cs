using System.Diagnostics;
using System.Diagnostics.Metrics;
using Webhook.CertManager;
using PowerDnsClient;
using Webhook.Editing;

namespace Webhook.Observability;

/// <summary>The webhook's own instruments (meter <c>PowerDnsWebhook</c>), exported at /metrics with the runtime's, ASP.NET Core's, the PowerDNS client's and Polly's.</summary>
internal sealed class WebhookMetrics
{
    public const string MeterName = "PowerDnsWebhook";

    private readonly Counter<long> _challenges;
    private readonly Histogram<double> _solveDuration;
    private readonly Histogram<long> _batchSize;
    private readonly Histogram<double> _lockWait;
    private readonly Counter<long> _lockContention;
    // One label set per server an Issuer named: bounded, and a server unused for an hour drops out of the gauge.
    private readonly BoundedCache<string, EditStrategy> _strategies = new(256, TimeSpan.FromHours(1));

    public WebhookMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _challenges = meter.CreateCounter<long>("pdns_webhook.challenges", description: "Present and CleanUp calls by action and result");
        _solveDuration = meter.CreateHistogram<double>("pdns_webhook.solve.duration", "s", "Present and CleanUp duration by action and result");
        _batchSize = meter.CreateHistogram<long>("pdns_webhook.batch.size", description: "TXT edits carried by one PowerDNS write (group commit)");
        _lockWait = meter.CreateHistogram("pdns_webhook.lock.wait", "s", "Time to take the write lock shared by replicas (a Lease), by result",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25] });
        _lockContention = meter.CreateCounter<long>("pdns_webhook.lock.contention",
            description: "Attempts to take a Lease that found it held by another replica (held) or lost the compare-and-swap to one (conflict)");
        meter.CreateObservableGauge("pdns_webhook.edit_strategy", () => _strategies.Snapshot().Select(s =>
            new Measurement<int>(1, new KeyValuePair<string, object?>("server", s.Key), new KeyValuePair<string, object?>("strategy", s.Value.ToString()))),
            description: "The edit strategy in use per PowerDNS server (value 1)");
    }

    public void Solved(ChallengeAction? action, bool success, TimeSpan elapsed)
    {
        var tags = new TagList { { "action", action?.ToString() ?? "none" }, { "result", success ? "success" : "failure" } };
        _challenges.Add(1, tags);
        _solveDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void Batch(EditStrategy strategy, int size) => _batchSize.Record(size, new KeyValuePair<string, object?>("strategy", strategy.ToString()));

    public void LockWaited(TimeSpan elapsed, bool acquired) =>
        _lockWait.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("result", acquired ? "acquired" : "failed"));

    /// <summary><paramref name="reason"/>: <c>held</c> or <c>conflict</c>.</summary>
    public void LockContended(string reason) => _lockContention.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary><paramref name="server"/> is the API URL and server id: never a key.</summary>
    public void Strategy(string server, EditStrategy strategy) => _strategies.Set(server, strategy);
}
