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
    // One label set per server an Issuer named: bounded, and a server unused for an hour drops out of the gauge.
    private readonly BoundedCache<string, EditStrategy> _strategies = new(256, TimeSpan.FromHours(1));

    public WebhookMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _challenges = meter.CreateCounter<long>("pdns_webhook.challenges", description: "Present and CleanUp calls by action and result");
        _solveDuration = meter.CreateHistogram<double>("pdns_webhook.solve.duration", "s", "Present and CleanUp duration by action and result");
        _batchSize = meter.CreateHistogram<long>("pdns_webhook.batch.size", description: "TXT edits carried by one PowerDNS write (group commit)");
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

    /// <summary><paramref name="server"/> is the API URL and server id: never a key.</summary>
    public void Strategy(string server, EditStrategy strategy) => _strategies.Set(server, strategy);
}
