using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Webhook.Tests;

/// <summary>
/// What a client certificate proves: only the CN names a user, a chain is built from what was presented and the
/// configured CAs (never downloaded), and in AllowAuthenticated mode only the front proxy's users may solve.
/// </summary>
public sealed class ClientCertificateTests(DebianPowerDnsServer pdns) : WebhookTest(pdns)
{
    [Fact]
    public async Task AnUnauthenticatedClientsCertificateNeverMakesTheWebhookFetchItsIssuer()
    {
        var fetched = 0;
        await using var listener = await StartListenerAsync(() => Interlocked.Increment(ref fetched));
        using var certificate = IssuedByAnUnpresentedIntermediate($"{listener.Urls.Single()}/issuer.crt");

        var status = await GetOfflineAsync(certificate, WebhookHarness.SolverPath);

        status.Should().Contain(" 401 ");
        fetched.Should().Be(0, "the AIA URL of a presented certificate is the client's choice, not a place to connect to");
    }

    [Fact]
    public async Task AClientCaCertificateWithoutACommonNameIsRefused()
    {
        using var certificate = Webhook.Pki.ClientCa.Client("", ["system:masters"]);
        using var client = Webhook.Client(certificate);

        using var response = await client.PostAsync(WebhookHarness.SolverPath, Json(Webhook.Body("Present", WebhookHarness.UniqueName(), "v")));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the organization is a group, never the user name");
    }

    [Fact]
    public async Task AFrontProxyCertificateWhoseOrganizationIsAnAllowedNameIsNotTheProxy()
    {
        using var certificate = Webhook.Pki.FrontProxyCa.Client("", ["front-proxy-client"]);
        using var client = Webhook.Client(certificate, WebhookHarness.CertManager, [Security.KubernetesUser.Masters]);

        using var response = await client.PostAsync(WebhookHarness.SolverPath, Json(Webhook.Body("Present", WebhookHarness.UniqueName(), "v")));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AllowAuthenticatedAdmitsOnlyTheFrontProxysUsers()
    {
        await using var webhook = await WebhookHarness.StartAsync(Pdns, settings: new() { ["Webhook:AuthorizationMode"] = "AllowAuthenticated" });
        webhook.Kube.Tokens["pod-token"] = "system:serviceaccount:default:some-pod";
        using var clientCa = webhook.Client(webhook.Pki.ClientCa.Client("jane"));
        using var bearer = webhook.Client(certificate: null, headers: new() { ["Authorization"] = "Bearer pod-token" });

        using var byCertificate = await clientCa.PostAsync(WebhookHarness.SolverPath, Json(webhook.Body("Present", WebhookHarness.UniqueName(), "v")));
        using var byToken = await bearer.PostAsync(WebhookHarness.SolverPath, Json(webhook.Body("Present", WebhookHarness.UniqueName(), "v")));
        var byProxy = await webhook.PresentAsync(WebhookHarness.UniqueName(), "v");

        byCertificate.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        byToken.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        byProxy.Success.Should().BeTrue(byProxy.Message);
    }

    // The client sends its certificate without completing its chain itself (offline), so any fetch is the webhook's.
    private async Task<string> GetOfflineAsync(X509Certificate2 certificate, string path)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Webhook.Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = WebhookHarness.ServiceName,
            ClientCertificateContext = SslStreamCertificateContext.Create(certificate, null, offline: true),
            RemoteCertificateValidationCallback = (_, served, _, errors) =>
                (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && served is X509Certificate2 leaf && Webhook.Pki.ServingCa.Issued(leaf),
        });
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: {WebhookHarness.ServiceName}\r\n\r\n"));
        using var reader = new StreamReader(tls);
        return await reader.ReadLineAsync() ?? "";
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    // root -> intermediate -> leaf, where only the leaf is presented and its AIA names where the intermediate is.
    private static X509Certificate2 IssuedByAnUnpresentedIntermediate(string aiaUrl)
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        var rootRequest = new CertificateRequest("CN=aia-root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        var intermediateRequest = new CertificateRequest("CN=aia-intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var intermediate = intermediateRequest.Create(root, now.AddDays(-1), now.AddDays(1), [1]).CopyWithPrivateKey(intermediateKey);
        var leafRequest = new CertificateRequest("CN=front-proxy-client", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        leafRequest.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [aiaUrl]));
        using var leaf = leafRequest.Create(intermediate, now.AddHours(-1), now.AddHours(12), [2]);
        using var withKey = leaf.CopyWithPrivateKey(leafKey);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private static async Task<WebApplication> StartListenerAsync(Action onRequest)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(context =>
        {
            onRequest();
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        return app;
    }
}
