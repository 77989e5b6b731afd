using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace Webhook.Security;

/// <summary>
/// The Go apiserver's delegating authenticator (docs/contract.md 3.4), in its order: a front-proxy certificate (chains to the
/// request-header CA, clientAuth usage, an allowed CN) makes the X-Remote-* headers the user; else a client certificate
/// chaining to the client CA is the user (its CN, which it must have; groups from O); else a bearer token a TokenReview accepts (a Prometheus
/// service account scraping /metrics); credentials that nothing accepts are a 401; none at all is the anonymous user,
/// whom only the health endpoints and discovery reviews may let through.
/// </summary>
internal sealed class FrontProxyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AuthenticationConfigSource config, TokenReviews tokens,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string FrontProxy = "front-proxy";
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>True when the front proxy asserted this user (not a client-CA certificate or a bearer token).</summary>
    public static bool Asserted(System.Security.Claims.ClaimsPrincipal principal) => principal.Identity?.AuthenticationType == FrontProxy;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var certificate = await Context.Connection.GetClientCertificateAsync();
        var bearer = Request.Headers.Authorization.FirstOrDefault() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal)
            ? header["Bearer ".Length..].Trim()
            : null;
        var problems = new List<string>();
        if (certificate is not null)
        {
            var (user, via, problem) = FromCertificate(certificate);
            if (user is not null)
            {
                return Success(user, via);
            }

            problems.Add(problem);
        }

        if (bearer is { Length: > 0 })
        {
            var (user, problem) = await tokens.ReviewAsync(bearer, Context.RequestAborted);
            if (user is not null)
            {
                return Success(user, "token");
            }

            problems.Add(problem);
        }

        return problems.Count == 0 ? Success(KubernetesUser.Anonymous, "") : AuthenticateResult.Fail(string.Join("; ", problems));
    }

    private (KubernetesUser? User, string Via, string Problem) FromCertificate(X509Certificate2 certificate)
    {
        if (config.Current is not { } current)
        {
            return (null, "", "the authentication configuration is not loaded yet");
        }

        // The CN only, as Go's x509 authenticator: OU, O or an e-mail address never stand in for it.
        var commonName = Names(certificate, "2.5.4.3").LastOrDefault() ?? "";
        var proxy = Verify(certificate, current.RequestHeaderCAs);
        if (proxy is null && !current.AllowsProxy(commonName))
        {
            proxy = $"front-proxy certificate CN \"{commonName}\" is not one of the allowed names";
        }

        if (proxy is null && FromHeaders(current) is { } user)
        {
            return (user, FrontProxy, "");
        }

        var client = commonName.Length == 0 ? "it has no common name" : Verify(certificate, current.ClientCAs);
        return client is null
            ? (new KubernetesUser(commonName, null, [.. Names(certificate, "2.5.4.10")], new Dictionary<string, List<string>>()), "x509", "")
            : (null, "", $"client certificate \"{commonName}\": {proxy ?? "no user in the request headers"}; {client}");
    }

    // Single-valued attributes of the subject; a multi-valued RDN names nobody (and must not throw).
    private static IEnumerable<string> Names(X509Certificate2 certificate, string oid) => certificate.SubjectName.EnumerateRelativeDistinguishedNames()
        .Where(n => !n.HasMultipleElements && n.GetSingleElementType().Value == oid).Select(n => n.GetSingleElementValue() ?? "");

    // Null when the certificate chains to one of the CAs and may be used for client authentication. A success is kept
    // with the TLS connection (whose client certificate cannot change) for these CAs until the first certificate of the
    // chain expires: the aggregator sends every request over a few long-lived connections, and a chain build costs more
    // than the rest of the request. A re-read CA bundle is a new collection, so it is checked afresh.
    private string? Verify(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        if (authorities.Count == 0)
        {
            return "no CA configured";
        }

        var now = time.GetUtcNow();
        var connection = Context.Features.Get<IConnectionItemsFeature>()?.Items ?? new Dictionary<object, object?>();
        lock (connection)   // the HTTP/2 streams of a connection are authenticated concurrently
        {
            if (connection.TryGetValue(typeof(Verified), out var kept) && kept is Verified verified
                && verified.Authorities == authorities && verified.Certificate == certificate && now < verified.Until)
            {
                return null;
            }
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;   // the presented chain and the CAs only: never fetch a URL the client named
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuth);
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        if (!chain.Build(certificate))
        {
            return string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Distinct());
        }

        lock (connection)
        {
            connection[typeof(Verified)] = new Verified(authorities, certificate,
                chain.ChainElements.Min(e => new DateTimeOffset(e.Certificate.NotAfter.ToUniversalTime())));
        }

        return null;
    }

    private KubernetesUser? FromHeaders(AuthenticationConfig current)
    {
        var headers = Request.Headers;
        var name = current.UsernameHeaders.Select(h => headers[h].FirstOrDefault(v => !string.IsNullOrEmpty(v))).FirstOrDefault(v => v is not null);
        if (name is null)
        {
            return null;
        }

        var uid = current.UidHeaders.Select(h => headers[h].FirstOrDefault(v => !string.IsNullOrEmpty(v))).FirstOrDefault(v => v is not null);
        var groups = current.GroupHeaders.SelectMany(h => headers[h]).OfType<string>().ToList();   // one value per header line, never comma-split
        var extra = headers
            .SelectMany(h => current.ExtraHeaderPrefixes.Where(p => h.Key.StartsWith(p, StringComparison.OrdinalIgnoreCase))
                .Select(p => (Key: Uri.UnescapeDataString(h.Key[p.Length..].ToLowerInvariant()), Values: h.Value)))
            .GroupBy(e => e.Key)
            .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Values).OfType<string>().ToList());
        return new KubernetesUser(name, uid, groups, extra);
    }

    private AuthenticateResult Success(KubernetesUser user, string via) => AuthenticateResult.Success(new AuthenticationTicket(user.ToPrincipal(via), Scheme.Name));

    private sealed record Verified(X509Certificate2Collection Authorities, X509Certificate2 Certificate, DateTimeOffset Until);
}
