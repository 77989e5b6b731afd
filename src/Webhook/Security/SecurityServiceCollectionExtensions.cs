using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace Webhook.Security;

internal static class SecurityServiceCollectionExtensions
{
    /// <summary>The Go apiserver's limit on a request body; more is a 413.</summary>
    public const int MaxRequestBodyBytes = 3 * 1024 * 1024;

    /// <summary>
    /// HTTPS only, on <c>--secure-port</c>, HTTP/1.1 and HTTP/2, with the reloading serving certificate. Client
    /// certificates are asked for but never required at the TLS level (probes and anonymous callers must get through);
    /// FrontProxyAuthentication validates them against the CAs of the moment. TLS's own chain build never downloads what
    /// a client's certificate points at, and request bodies are limited to the Go apiserver's 3 MiB.
    /// </summary>
    public static WebApplicationBuilder AddServing(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Services.AddSingleton<ServingCertificate>().AddHostedService(sp => sp.GetRequiredService<ServingCertificate>());
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<WebhookOptions>, ServingCertificate>((kestrel, options, certificate) =>
        {
            void Https(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = async _ => new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = await certificate.Current,
                        ClientCertificateRequired = true,   // asked for; FrontProxyAuthentication judges it, so TLS takes any
#pragma warning disable CA5359   // the remote side is a client here, and the one judging its certificate is FrontProxyAuthentication
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                        CertificateChainPolicy = new X509ChainPolicy
                        {
                            DisableCertificateDownloads = true,
                            RevocationMode = X509RevocationMode.NoCheck,
                        },
                    },
                });
            }

            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            if (options.Value.BindAddress is { Length: > 0 } address)
            {
                kestrel.Listen(IPAddress.Parse(address), options.Value.SecurePort, Https);
            }
            else
            {
                kestrel.ListenAnyIP(options.Value.SecurePort, Https);
            }
        });
        return builder;
    }

    /// <summary>Front-proxy authentication and delegated authorization for every endpoint but the health checks.</summary>
    public static IServiceCollection AddAggregatedApiSecurity(this IServiceCollection services)
    {
        services.AddSingleton<AuthenticationConfigSource>().AddHostedService(sp => sp.GetRequiredService<AuthenticationConfigSource>());
        // AddAuthenticationCore, not AddAuthentication: that one also registers DataProtection, whose key ring is loaded
        // (or created and written under $HOME) at start, for cookies this server never issues.
        services.AddAuthenticationCore(o => o.DefaultScheme = KubernetesUser.Scheme).AddWebEncoders();
        new AuthenticationBuilder(services).AddScheme<AuthenticationSchemeOptions, FrontProxyAuthentication>(KubernetesUser.Scheme, null);
        services.AddSingleton<TokenReviews>();
        services.AddSingleton<IAuthorizationHandler, AccessReviewHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, StatusAuthorizationResults>();
        // Every endpoint falls back to the one requirement; health checks opt out with AllowAnonymous.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new KubernetesAccess()).Build());
        return services;
    }
}
