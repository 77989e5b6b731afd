using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Webhook.Security;

namespace Webhook.Tests;

/// <summary>
/// Only kube-apiserver's aggregator, acting for an authorized user, reaches the solver (docs/contract.md 3, 8.3, 8.4):
/// front-proxy authentication, delegated authorization, and the serving certificate the aggregator verifies.
/// </summary>
public sealed class AggregatedApiSecurityTests(DebianPowerDnsServer pdns) : WebhookTest(pdns)
{
    private static readonly string Discovery = $"/apis/{WebhookHarness.Group}/v1alpha1";

    [Fact]
    public async Task TheFrontProxyUserWithGroupsAndExtrasReachesTheSolverAfterTheExactReview()
    {
        var headers = new List<(string, string)> { ("X-Remote-User", WebhookHarness.CertManager) };
        headers.AddRange(WebhookHarness.CertManagerGroups.Select(g => ("X-Remote-Group", g)));
        headers.Add(("X-Remote-Extra-Authentication.kubernetes.io%2fpod-Name", "cert-manager-abc"));

        var status = await Webhook.SendRawAsync(Webhook.Pki.FrontProxyClient, "POST", WebhookHarness.SolverPath, headers, Webhook.Body("Present", WebhookHarness.UniqueName(), "v"));

        status.Should().Be(201);
        var review = Webhook.Kube.ReceivedReviews.Should().ContainSingle().Subject;
        review.ToJsonString().Should().Be(new JsonObject
        {
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["kind"] = "SubjectAccessReview",
            ["spec"] = new JsonObject
            {
                ["extra"] = new JsonObject { ["authentication.kubernetes.io/pod-name"] = new JsonArray("cert-manager-abc") },
                ["groups"] = new JsonArray([.. WebhookHarness.CertManagerGroups.Select(g => (JsonNode)g)]),
                ["resourceAttributes"] = new JsonObject { ["group"] = WebhookHarness.Group, ["resource"] = "pdns", ["verb"] = "create", ["version"] = "v1alpha1" },
                ["user"] = WebhookHarness.CertManager,
            },
        }.ToJsonString());
    }

    [Fact]
    public async Task DiscoveryByAUserWithoutGroupsIsANonResourceReview()
    {
        using var aggregator = Webhook.Client(Webhook.Pki.FrontProxyClient, "system:kube-aggregator");

        using var response = await aggregator.GetAsync(Discovery);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var spec = Webhook.Kube.ReceivedReviews.Should().ContainSingle().Subject["spec"]!;
        spec["nonResourceAttributes"]!.ToJsonString().Should().Be($$"""{"path":"{{Discovery}}","verb":"get"}""");
        spec["groups"]!.AsArray().Select(g => g!.GetValue<string>()).Should().Equal("system:authenticated");
    }

    [Fact]
    public async Task TheAvailabilityProbeOfSystemMastersNeedsNoReview()
    {
        using var aggregator = Webhook.Client(Webhook.Pki.FrontProxyClient, "system:kube-aggregator", [KubernetesUser.Masters]);

        using var response = await aggregator.GetAsync(Discovery);

        response.IsSuccessStatusCode.Should().BeTrue();
        Webhook.Kube.ReceivedReviews.Should().BeEmpty();
    }

    public static TheoryData<string> RefusedCertificates => ["wrong CA", "CN not allowed", "no clientAuth usage", "expired"];

    [Theory]
    [MemberData(nameof(RefusedCertificates))]
    public async Task ACertificateNeitherCaAcceptsIs401(string problem)
    {
        using var stranger = new TestCertificates("stranger-ca");
        var certificate = problem switch
        {
            "wrong CA" => stranger.Client("front-proxy-client"),
            "CN not allowed" => Webhook.Pki.FrontProxyCa.Client("someone-else"),
            "no clientAuth usage" => Webhook.Pki.FrontProxyCa.Client("front-proxy-client", clientAuth: false),
            _ => Webhook.Pki.FrontProxyCa.Client("front-proxy-client", expired: true),
        };
        using var client = Webhook.Client(certificate, WebhookHarness.CertManager, [KubernetesUser.Masters]);

        using var response = await client.PostAsync(WebhookHarness.SolverPath, Json(Webhook.Body("Present", WebhookHarness.UniqueName(), "v")));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await StatusOf(response)).Should().Be((401, "Unauthorized"));
    }

    [Fact]
    public async Task WithoutACertificateOnlyTheHealthEndpointsAnswer()
    {
        using var anonymous = Webhook.Client(certificate: null, WebhookHarness.CertManager, [KubernetesUser.Masters]);

        var health = await Task.WhenAll(new[] { "/healthz", "/readyz", "/livez" }.Select(p => anonymous.GetAsync(p)));
        using var solve = await anonymous.PostAsync(WebhookHarness.SolverPath, Json(Webhook.Body("Present", WebhookHarness.UniqueName(), "v")));

        health.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
        solve.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await StatusOf(solve)).Reason.Should().Be("Forbidden");
        Webhook.Kube.ReceivedReviews.Should().BeEmpty("the headers of an unauthenticated caller are never believed");
    }

    [Fact]
    public async Task AClientCaCertificateIsTheUserByCommonNameAndOrganizations()
    {
        using var client = Webhook.Client(Webhook.Pki.ClientCa.Client("jane", ["platform", "dns-admins"]));

        using var response = await client.PostAsync(WebhookHarness.SolverPath, Json(Webhook.Body("Present", WebhookHarness.UniqueName(), "v")));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var spec = Webhook.Kube.ReceivedReviews.Should().ContainSingle().Subject["spec"]!;
        spec["user"]!.GetValue<string>().Should().Be("jane");
        spec["groups"]!.AsArray().Select(g => g!.GetValue<string>()).Should().Equal("platform", "dns-admins", "system:authenticated");
    }

    [Theory]
    [InlineData("deny", HttpStatusCode.Forbidden, "denied by policy")]
    [InlineData("no-opinion", HttpStatusCode.Forbidden, "cannot create resource \"pdns\" in API group \"acme.example.test\"")]
    [InlineData("error", HttpStatusCode.InternalServerError, "SubjectAccessReview could not be made")]
    public async Task TheReviewDecides(string answer, HttpStatusCode expected, string message)
    {
        Webhook.Kube.AccessReviews = answer;

        using var response = await Webhook.Http.PostAsync(WebhookHarness.SolverPath, Json(Webhook.Body("Present", WebhookHarness.UniqueName(), "v")));

        response.StatusCode.Should().Be(expected);
        var status = await response.Content.ReadFromJsonAsync<JsonObject>();
        status!["kind"]!.GetValue<string>().Should().Be("Status");
        status["message"]!.GetValue<string>().Should().Contain(message);
    }

    [Fact]
    public async Task ReviewsAreCachedForTenSeconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var webhook = await WebhookHarness.StartAsync(Pdns, services => services
            .RemoveAll<IAuthorizationHandler>()
            .AddSingleton<IAuthorizationHandler>(sp => ActivatorUtilities.CreateInstance<AccessReviewHandler>(sp, (TimeProvider)time)));

        await webhook.Http.GetAsync(Discovery);
        await webhook.Http.GetAsync(Discovery);
        time.Advance(TimeSpan.FromSeconds(9));
        await webhook.Http.GetAsync(Discovery);
        var withinTenSeconds = webhook.Kube.ReceivedReviews.Count;
        time.Advance(TimeSpan.FromSeconds(2));
        await webhook.Http.GetAsync(Discovery);

        withinTenSeconds.Should().Be(1);
        webhook.Kube.ReceivedReviews.Should().HaveCount(2);
    }

    [Fact]
    public async Task ARotatedFrontProxyCaInTheConfigMapAppliesWithoutRestart()
    {
        using var rotated = new TestCertificates("front-proxy-ca-2");
        using var newProxy = Webhook.Client(rotated.Client("front-proxy-client"), "system:kube-aggregator", [KubernetesUser.Masters]);
        var before = await newProxy.GetAsync(Discovery);

        Webhook.Kube.AuthenticationConfigMap["requestheader-client-ca-file"] = rotated.CaPem;

        await Eventually.ReturnsAsync(() => newProxy.GetAsync(Discovery), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(15));
        before.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Webhook.Http.GetAsync(Discovery)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the old CA is no longer trusted");
    }

    [Fact]
    public async Task TheServingCertificateIsVerifiedForTheServiceNameAndAnotherNameFails()
    {
        var served = await ServedCertificateAsync(WebhookHarness.ServiceName);

        served.MatchesHostname(WebhookHarness.ServiceName).Should().BeTrue();
        served.MatchesHostname("other.cert-manager.svc").Should().BeFalse();
        Webhook.Pki.ServingCa.Issued(served).Should().BeTrue();
    }

    [Fact]
    public async Task ARenewedServingCertificateIsServedToNewConnectionsWithoutRestart()
    {
        var first = await ServedCertificateAsync(WebhookHarness.ServiceName);
        var renewed = Webhook.Pki.ServingCa.Server(WebhookHarness.ServiceName);

        Webhook.Pki.WriteServing(renewed);

        var served = await Eventually.ReturnsAsync(() => ServedCertificateAsync(WebhookHarness.ServiceName), c => c.SerialNumber != first.SerialNumber, TimeSpan.FromSeconds(15));
        served.SerialNumber.Should().Be(renewed.SerialNumber);
        (await Webhook.Client(Webhook.Pki.FrontProxyClient, "a", [KubernetesUser.Masters]).GetAsync(Discovery)).IsSuccessStatusCode.Should().BeTrue();
    }

    [Fact]
    public async Task Http2IsOffered()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Discovery) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await Webhook.Http.SendAsync(request);

        response.Version.Should().Be(HttpVersion.Version20);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AllowAuthenticatedNeedsNoReviewButStillRefusesAnonymous()
    {
        await using var webhook = await WebhookHarness.StartAsync(Pdns, settings: new() { ["Webhook:AuthorizationMode"] = "AllowAuthenticated" });
        using var anonymous = webhook.Client(certificate: null);

        var authenticated = await webhook.PresentAsync(WebhookHarness.UniqueName(), "v");
        using var refused = await anonymous.PostAsync(WebhookHarness.SolverPath, Json(webhook.Body("Present", WebhookHarness.UniqueName(), "v")));

        authenticated.Success.Should().BeTrue(authenticated.Message);
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        webhook.Kube.ReceivedReviews.Should().BeEmpty();
    }

    [Fact]
    public async Task OutsideAClusterTheGoNamedFlagsConfigureAuthentication()
    {
        using var pki = new Certificates();
        var directory = Directory.CreateTempSubdirectory("flags-").FullName;
        var caFile = Path.Combine(directory, "front-proxy-ca.crt");
        await File.WriteAllTextAsync(caFile, pki.FrontProxyCa.CaPem);
        await using var webhook = await WebhookHarness.StartAsync(Pdns, settings: new()
        {
            ["Webhook:RequestHeaderClientCaFile"] = caFile,
            ["Webhook:RequestHeaderAllowedNames"] = "front-proxy-client",
            ["Webhook:AuthorizationMode"] = "AllowAuthenticated",
        });
        webhook.Kube.AuthenticationConfigMap.Clear();   // the flags, not the cluster, are the source
        using var proxy = webhook.Client(pki.FrontProxyClient, "local-user");

        using var response = await proxy.PostAsync(WebhookHarness.SolverPath, Json(webhook.Body("Present", WebhookHarness.UniqueName(), "v")));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        Directory.Delete(directory, recursive: true);
    }

    private async Task<X509Certificate2> ServedCertificateAsync(string serverName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Webhook.Port);
        // Takes whatever is served: the test asserts on it.
        await using var tls = new SslStream(tcp.GetStream(), false, (_, served, _, _) => served is not null);
        await tls.AuthenticateAsClientAsync(serverName);
        return new X509Certificate2(tls.RemoteCertificate!);
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private static async Task<(int Code, string Reason)> StatusOf(HttpResponseMessage response)
    {
        var status = await response.Content.ReadFromJsonAsync<JsonObject>();
        return (status!["code"]!.GetValue<int>(), status["reason"]!.GetValue<string>());
    }
}
