using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TestSupport;

/// <summary>
/// What users put in front of PowerDNS: HTTPS with a private CA, a path prefix, <c>Authorization: Bearer</c> instead
/// of X-API-Key, a required extra header. It forwards to the real PowerDNS; it can first answer some calls with a
/// given failure, to see the client's retries, and hold every call for <see cref="Delay"/>, to keep solves in flight.
/// </summary>
public sealed class ApiProxy : IAsyncDisposable
{
    public const string Prefix = "/pdns";
    public const string Token = "proxy-token-123";

    private readonly WebApplication _app;
    private int _failuresLeft;
    private (int Status, string Body) _failure;
    private int _requests;

    private ApiProxy(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int Requests => _requests;

    public TimeSpan Delay { get; set; }

    public void FailNext(int count, int status, string body)
    {
        _failure = (status, body);
        _failuresLeft = count;
    }

    public static async Task<ApiProxy> StartAsync(PowerDnsServer pdns, TestCertificates certificates)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificates.Server())));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new ApiProxy(app);
        var upstream = pdns.Api();
        app.Map(Prefix + "/{**rest}", async (HttpContext context, string rest) =>
        {
            Interlocked.Increment(ref proxy._requests);
            await Task.Delay(proxy.Delay);   // a slow PowerDNS, not synchronisation
            if (context.Request.Headers.Authorization != $"Bearer {Token}" || context.Request.Headers["X-Tenant"] != "qa")
            {
                return Results.Json(new { error = "proxy: missing bearer token or X-Tenant" }, statusCode: 401);
            }

            if (Interlocked.Decrement(ref proxy._failuresLeft) >= 0)
            {
                return Results.Content(proxy._failure.Body, "application/json", statusCode: proxy._failure.Status);
            }

            using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), "/" + rest + context.Request.QueryString);
            if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)   // PATCH bodies come chunked
            {
                forward.Content = new StreamContent(context.Request.Body);
                forward.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(context.Request.ContentType ?? "application/json");
            }

            using var answer = await upstream.SendAsync(forward);
            return Results.Content(await answer.Content.ReadAsStringAsync(), "application/json", statusCode: (int)answer.StatusCode);
        });
        await app.StartAsync();
        proxy.Url = new Uri(app.Urls.Single().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + Prefix);
        return proxy;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
