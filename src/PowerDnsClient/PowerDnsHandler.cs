using System.Diagnostics;
using Polly;

namespace PowerDnsClient;

/// <summary>
/// One endpoint's request pipeline: adds the key and extra headers, runs each call through the retry and
/// attempt-timeout pipeline, and turns transport failures into a <see cref="PowerDnsException"/>.
/// Retrying is safe because every edit we send is idempotent (REPLACE of a whole RRSet, EXTEND, PRUNE).
/// </summary>
internal sealed class PowerDnsHandler(PowerDnsEndpoint endpoint, ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    internal static readonly ResiliencePropertyKey<TimeSpan> AttemptTimeout = new("PowerDns.AttemptTimeout");
    internal static readonly HttpRequestOptionsKey<System.Net.IPAddress> PinnedAddress = new("PowerDns.PinnedAddress");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation(endpoint.ApiKeyHeaderName, endpoint.ApiKeyHeaderValue);
        foreach (var (name, value) in endpoint.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (endpoint.Address is { } address)
        {
            request.Options.Set(PinnedAddress, address);
        }

        var started = Stopwatch.GetTimestamp();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AttemptTimeout, endpoint.Timeout);
        var outcome = await pipeline.ExecuteOutcomeAsync(
            static async (context, state) => Outcome.FromResult(await state.Handler.SendOnceAsync(state.Request, context.CancellationToken)),
            context,
            (Handler: this, Request: request));
        ResilienceContextPool.Shared.Return(context);

        var status = (int?)outcome.Result?.StatusCode;
        PowerDnsMetrics.Record(request, status, outcome.Exception is not null ? "transport-error" : status < 400 ? "success" : "http-error",
            Stopwatch.GetElapsedTime(started));
        if (outcome.Exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            outcome.ThrowIfException();   // the caller gave up: cancellation propagates as itself
        }

        if (outcome.Exception is { } exception)
        {
            throw PowerDnsException.Unreachable(request, exception);
        }

        return outcome.Result!;
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
