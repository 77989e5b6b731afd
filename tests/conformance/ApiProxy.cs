using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace Conformance.Tests;

/// <summary>
/// What users put in front of the PowerDNS API (which has no TLS of its own), as YARP on Kestrel: a TLS terminator with
/// a certificate from a private CA, or a gateway under a path prefix that wants <c>Authorization: Bearer</c> and a
/// tenant header, and holds the PowerDNS key itself.
/// </summary>
internal static class ApiProxy
{
    public const string Prefix = "/pdns-api";
    public const string TenantHeader = "X-Tenant";
    public const string Tenant = "conformance";   // testdata/proxy-bearer-prefix/config.json sends it in 'headers'

    /// <summary>HTTPS with <paramref name="certificate"/>, passing every request, X-API-Key included, to PowerDNS.</summary>
    public static Task<(WebApplication App, Uri Url)> StartTlsAsync(PowerDnsServer pdns, X509Certificate2 certificate) =>
        StartAsync(pdns, certificate, new RouteConfig { RouteId = "pdns", ClusterId = "pdns", Match = new() { Path = "/{**rest}" } }, _ => null);

    /// <summary>
    /// Plain HTTP under <see cref="Prefix"/>: answers 401 unless the request carries <c>Authorization: Bearer
    /// <paramref name="token"/></c> and the tenant header and no X-API-Key; forwards it with PowerDNS's own key instead.
    /// </summary>
    public static async Task<(WebApplication App, Uri Url)> StartBearerAsync(PowerDnsServer pdns, string token)
    {
        var route = new RouteConfig { RouteId = "pdns", ClusterId = "pdns", Match = new() { Path = Prefix + "/{**rest}" } }
            .WithTransformPathRemovePrefix(Prefix)
            .WithTransformRequestHeaderRemove("Authorization")
            .WithTransformRequestHeaderRemove(TenantHeader)
            .WithTransformRequestHeader("X-API-Key", pdns.ApiKey, append: false);
        var (app, url) = await StartAsync(pdns, null, route, request =>
            request.Headers.Authorization != $"Bearer {token}" ? "missing or wrong bearer token"
            : request.Headers[TenantHeader] != Tenant ? $"missing {TenantHeader}: {Tenant}"
            : request.Headers.ContainsKey("X-API-Key") ? "X-API-Key sent to the proxy: the key belongs in Authorization"
            : null);
        return (app, new Uri(url, Prefix));
    }

    private static async Task<(WebApplication App, Uri Url)> StartAsync(PowerDnsServer pdns, X509Certificate2? certificate, RouteConfig route, Func<HttpRequest, string?> refusal)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        builder.Logging.ClearProviders();
        var cluster = new ClusterConfig { ClusterId = "pdns", Destinations = new Dictionary<string, DestinationConfig> { ["pdns"] = new() { Address = pdns.ApiUrl.ToString() } } };
        builder.Services.AddReverseProxy().LoadFromMemory([route], [cluster]);
        var app = builder.Build();
        app.MapReverseProxy(proxy => proxy.Use(async (context, next) =>
        {
            if (refusal(context.Request) is { } reason)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsJsonAsync(new { error = "proxy: " + reason });
                return;
            }

            await next();
        }));
        await app.StartAsync();
        return (app, new Uri(app.Urls.Single()));
    }
}
