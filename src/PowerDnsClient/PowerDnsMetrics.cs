using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PowerDnsClient;

/// <summary>
/// The client's instruments (meter <c>PowerDnsClient</c>): every call, after its retries, by endpoint kind, method,
/// HTTP status and outcome, and its duration. Retries themselves are Polly's <c>resilience.polly.strategy.events</c>.
/// </summary>
public static class PowerDnsMetrics
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "PowerDnsClient";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Calls = Meter.CreateCounter<long>("pdns.client.calls", description: "PowerDNS API calls, after retries");
    private static readonly Histogram<double> Durations = Meter.CreateHistogram<double>("pdns.client.call.duration", "s", "PowerDNS API call duration, retries included");

    internal static void Record(HttpRequestMessage request, int? status, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "kind", Kind(request) },
            { "method", request.Method.Method },
            { "status", status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none" },
            { "outcome", outcome },
        };
        Calls.Add(1, tags);
        Durations.Record(elapsed.TotalSeconds, tags);
    }

    // A bounded label from the path: /api/v1/servers/{id}[/zones[/{zone}[/notify]]] or /cache/flush.
    private static string Kind(HttpRequestMessage request)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        var afterServers = path[(path.IndexOf("/api/v1/servers/", StringComparison.Ordinal) + 1)..].Split('/');
        return afterServers.Length switch
        {
            <= 4 => "server",
            _ when afterServers[4] == "cache" => "cache-flush",
            5 => "zones",
            6 when request.RequestUri?.Query.Contains("rrset_name", StringComparison.Ordinal) == true => "rrset",
            6 => "zone",
            _ => afterServers[^1],
        };
    }
}
