using OpenTelemetry.Metrics;
using PowerDnsClient;

namespace Webhook.Observability;

internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>
    /// Logs as one JSON object per line in containers (<c>--log-format json|text</c>, <c>--log-level</c>), scopes
    /// included (the correlation id); metrics through OpenTelemetry for the Prometheus endpoint.
    /// </summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var json = builder.Configuration[$"{WebhookOptions.Section}:{nameof(WebhookOptions.LogFormat)}"] is { } format
            ? format == "json"
            : Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER") == "true";
        builder.Logging.ClearProviders();
        _ = json
            ? builder.Logging.AddJsonConsole(o => (o.IncludeScopes, o.UseUtcTimestamp, o.TimestampFormat) = (true, true, "yyyy-MM-ddTHH:mm:ss.fffZ"))
            : builder.Logging.AddSimpleConsole(o => (o.IncludeScopes, o.SingleLine, o.TimestampFormat) = (true, true, "HH:mm:ss "));

        builder.Services.AddSingleton<WebhookMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(WebhookMetrics.MeterName, PowerDnsMetrics.MeterName, "Polly")
            .AddMeter("System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        return builder;
    }
}
