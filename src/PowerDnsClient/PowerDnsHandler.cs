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

    /// <summary>The largest JSON answer read: a zone list or a zone far larger than DNS-01 ever needs.</summary>
    internal const int MaxAnswerBytes = 8 * 1024 * 1024;

    private const int MaxErrorBytes = 64 * 1024;

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

        return await BoundedAsync(request, outcome.Result!, cancellationToken);
    }

    // An endpoint is whatever host an Issuer names, so its answer is read only up to a limit: a success longer than
    // that is a failure, an error body is cut (only its start is ever shown).
    private static async Task<HttpResponseMessage> BoundedAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = response.IsSuccessStatusCode ? MaxAnswerBytes : MaxErrorBytes;
        using var original = response.Content;
        await using var stream = await original.ReadAsStreamAsync(cancellationToken);
        using var read = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int count;
        while (read.Length <= limit && (count = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            read.Write(chunk, 0, count);
        }

        if (read.Length > limit && response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw PowerDnsException.TooLarge(request, limit);
        }

        read.SetLength(Math.Min(read.Length, limit));
        var bounded = new ByteArrayContent(read.ToArray());
        foreach (var (name, values) in original.Headers.Where(h => h.Key != "Content-Length"))
        {
            bounded.Headers.TryAddWithoutValidation(name, values);
        }

        response.Content = bounded;
        return response;
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
