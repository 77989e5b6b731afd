using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace TestSupport;

/// <summary>
/// What users put in front of the PowerDNS API (which has no TLS of its own), as YARP on Kestrel: a TLS terminator with a
/// certificate from a private CA, or a gateway under <see cref="Prefix"/> that wants <c>Authorization: Bearer</c> and a
/// tenant header and holds the PowerDNS key itself. Either can first answer some calls with a given failure, to see the
/// client's retries, and hold every call for <see cref="Delay"/>, to keep solves in flight.
/// </summary>
public sealed class ApiProxy : IAsyncDisposable
{
    public const string Prefix = "/pdns-api";
    public const string Token = "proxy-token-123";
    public const string TenantHeader = "X-Tenant";
    public const string Tenant = "qa";

    private static readonly RouteConfig PassThrough = new() { RouteId = "pdns", ClusterId = "pdns", Match = new() { Path = "/{**rest}" } };

    private readonly WebApplication _app;
    private int _failuresLeft;
    private (int Status, string Body) _failure;
    private int _requests;
    private int _patches;

    private ApiProxy(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int Requests => _requests;

    /// <summary>How many PATCHes (zone writes) reached the proxy.</summary>
    public int Patches => _patches;

    public TimeSpan Delay { get; set; }

    public void FailNext(int count, int status, string body)
    {
        _failure = (status, body);
        _failuresLeft = count;
    }

    /// <summary>HTTPS with <paramref name="certificate"/>, passing every request, X-API-Key included, to PowerDNS.</summary>
    public static Task<ApiProxy> StartTlsAsync(PowerDnsServer pdns, X509Certificate2 certificate) => StartAsync(pdns, certificate, PassThrough, "", _ => null);

    /// <summary>Plain HTTP, passing every request to PowerDNS: to count what reaches it.</summary>
    public static Task<ApiProxy> StartPlainAsync(PowerDnsServer pdns) => StartAsync(pdns, null, PassThrough, "", _ => null);

    /// <summary>
    /// Under <see cref="Prefix"/>, HTTPS with <paramref name="certificate"/> or else plain HTTP: answers 401 unless the request
    /// carries <c>Authorization: Bearer <paramref name="token"/></c> and the tenant header and no X-API-Key; forwards it with
    /// PowerDNS's own key instead.
    /// </summary>
    public static Task<ApiProxy> StartGatewayAsync(PowerDnsServer pdns, X509Certificate2? certificate, string token = Token)
    {
        var route = new RouteConfig { RouteId = "pdns", ClusterId = "pdns", Match = new() { Path = Prefix + "/{**rest}" } }
            .WithTransformPathRemovePrefix(Prefix)
            .WithTransformRequestHeaderRemove("Authorization")
            .WithTransformRequestHeaderRemove(TenantHeader)
            .WithTransformRequestHeader("X-API-Key", pdns.ApiKey, append: false);
        return StartAsync(pdns, certificate, route, Prefix, request =>
            request.Headers.Authorization != $"Bearer {token}" ? "missing or wrong bearer token"
            : request.Headers[TenantHeader] != Tenant ? $"missing {TenantHeader}: {Tenant}"
            : request.Headers.ContainsKey("X-API-Key") ? "X-API-Key sent to the proxy: the key belongs in Authorization"
            : null);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static async Task<ApiProxy> StartAsync(PowerDnsServer pdns, X509Certificate2? certificate, RouteConfig route, string prefix,
        Func<HttpRequest, string?> refusal)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);   // Kestrel keeps using the certificate: the caller keeps it alive
            }
        }));
        builder.Logging.ClearProviders();
        var cluster = new ClusterConfig { ClusterId = "pdns", Destinations = new Dictionary<string, DestinationConfig> { ["pdns"] = new() { Address = pdns.ApiUrl.ToString() } } };
        builder.Services.AddReverseProxy().LoadFromMemory([route], [cluster]);
        var app = builder.Build();
        var proxy = new ApiProxy(app);
        app.MapReverseProxy(pipeline => pipeline.Use((context, next) => proxy.HandleAsync(context, next, refusal)));
        await app.StartAsync();
        proxy.Url = new Uri(app.Urls.Single().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + prefix);
        return proxy;
    }

    private async Task HandleAsync(HttpContext context, Func<Task> next, Func<HttpRequest, string?> refusal)
    {
        Interlocked.Increment(ref _requests);
        if (HttpMethods.IsPatch(context.Request.Method))
        {
            Interlocked.Increment(ref _patches);
        }

        await Task.Delay(Delay);   // a slow PowerDNS, not synchronisation
        if (refusal(context.Request) is { } reason)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { error = "proxy: " + reason });
        }
        else if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            context.Response.StatusCode = _failure.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(_failure.Body);
        }
        else
        {
            await next();
        }
    }
}
