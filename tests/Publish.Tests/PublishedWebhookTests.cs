using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Publish.Tests;

/// <summary>
/// The published binary runs as it would in the image: inside the Debian trixie root file system (no .NET SDK or runtime),
/// as the image's non-root user, with the image's environment, configured as in a cluster (kubeconfig, the front-proxy CA
/// from the extension-apiserver-authentication ConfigMap, SubjectAccessReviews, the API key from a Secret, writes under a
/// Lease, a scrape authenticated by a TokenReview), so the NativeAOT-compiled KubernetesClient.Aot code runs for every
/// kind the webhook reads or writes, against PowerDNS 4.9.18 in the same root file system. The publish drops the models
/// of every other kind (KubernetesClient.Substitutions.xml), so this is where a kind left out would show.
/// </summary>
public sealed class PublishedWebhookTests(PublishedWebhook published, TrixiePowerDnsServer pdns)
{
    // runtime-deps:chiseled's APP_UID; the Dockerfile runs as `USER $APP_UID`.
    private const string ImageUser = "1654:1654";
    private const string Group = "acme.publish.test";
    private const string CertManager = "system:serviceaccount:cert-manager:cert-manager";
    private const string LeaseNamespace = "pdns-webhook";

    // What the container sees: runtime-deps sets DOTNET_RUNNING_IN_CONTAINER, the Dockerfile empties ASPNETCORE_HTTP_PORTS,
    // and the runtime sets HOME from the image's /etc/passwd (without HOME and a passwd entry, .NET's TLS cannot open its
    // certificate stores and every handshake fails).
    private static readonly string[] ImageEnvironment = ["DOTNET_RUNNING_IN_CONTAINER=true", "ASPNETCORE_HTTP_PORTS=", "HOME=/home/app"];

    [Fact]
    public async Task PublishedBinarySolvesChallengesInADebianRootWithoutDotnet()
    {
        using var pki = new Certificates();
        await using var kube = await FakeKubeApi.StartAsync();
        kube.PublishAuthentication(pki.FrontProxyCa);
        kube.Secrets[("cert-manager", "pdns-api-key")] = new() { ["api-key"] = pdns.ApiKey };
        kube.Tokens["prometheus-token"] = "system:serviceaccount:monitoring:prometheus";
        await using var root = await RootDirectory.CreateAsync(published.Directory);
        root.WriteFile("tls.crt", await File.ReadAllTextAsync(pki.ServingCertificateFile));
        root.WriteFile("tls.key", await File.ReadAllTextAsync(pki.ServingKeyFile));
        root.WriteFile("kubeconfig", await File.ReadAllTextAsync(kube.Kubeconfig));
        await root.GiveToAsync(ImageUser);
        await using var webhook = await WebhookProcess.StartAsync(InRoot(pki, root));
        var client = webhook.Aggregator;
        var fqdn = $"_acme-challenge.published-{Guid.NewGuid():N}.example.test.";
        var dns = new DnsProbe(pdns.DnsPort);

        var presented = await SolveAsync(client, "Present", fqdn, "published-key");
        var whilePresent = await dns.TxtAsync(fqdn);
        var cleanedUp = await SolveAsync(client, "CleanUp", fqdn, "published-key");
        var afterCleanUp = await dns.TxtAsync(fqdn);
        using var scraper = AggregatorClient.Create(webhook.Port, pki.ServingCa, certificate: null, headers: new() { ["Authorization"] = "Bearer prometheus-token" });
        using var scraped = await scraper.GetAsync(new Uri("/metrics", UriKind.Relative));

        presented.Should().BeTrue(webhook.ToString());
        whilePresent.Values.Should().Equal(["published-key"], webhook.ToString());
        cleanedUp.Should().BeTrue(webhook.ToString());
        afterCleanUp.IsNxDomain.Should().BeTrue(afterCleanUp.ToString());
        kube.ReceivedReviews.Select(r => r["spec"]?["user"]?.GetValue<string>()).Should().Contain(CertManager);
        kube.Leases.Names.Should().ContainSingle(n => n.Namespace == LeaseNamespace, "both writes took the server's Lease");
        scraped.StatusCode.Should().Be(HttpStatusCode.OK, "the token was reviewed and the account allowed: {0}", webhook);
        kube.ReceivedReviews.Select(r => r["spec"]?["user"]?.GetValue<string>()).Should().Contain("system:serviceaccount:monitoring:prometheus");
        webhook.Process.Output.Should().NotContain("Overriding address", "the image serves HTTPS on --secure-port only");
        webhook.Process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().AllSatisfy(line => line.Should().StartWith("{"),
            "in a container every log line is a JSON object");
    }

    [Fact]
    public void ThePublishIsOneNativeExecutableAndTheRootHasNoDotnet()
    {
        string[] places = ["usr/bin/dotnet", "usr/share/dotnet", "usr/lib/dotnet", "usr/local/bin/dotnet", "opt/dotnet"];

        var found = places.Where(p => Path.Exists(Path.Combine(TrixiePowerDnsServer.RootFs, p)));

        found.Should().BeEmpty("the published binary must run without an installed .NET");
        File.ReadAllBytes(Path.Combine(published.Directory, "pdns-webhook"))[..4].Should().Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], "NativeAOT makes one native executable");
        Directory.EnumerateFiles(published.Directory, "*.dll").Should().BeEmpty("no .NET assembly is left to load: everything is compiled in");
    }

    // A container has its own PID namespace and /proc (CoreCLR cannot start without /proc): unshare gives both, privately.
    // TMPDIR keeps the runtime's diagnostics pipes in the test's directory, which is removed afterwards.
    // The aggregator acts for cert-manager's service account.
    private static WebhookProcessOptions InRoot(Certificates pki, RootDirectory root) =>
        WebhookProcessOptions.InCluster(pki, Group, root.InRoot("kubeconfig")) with
        {
            Command = ["unshare", "--mount", "--pid", "--fork", "--kill-child", $"--mount-proc={TrixiePowerDnsServer.RootFs}/proc",
                "chroot", $"--userspec={ImageUser}", TrixiePowerDnsServer.RootFs, "/usr/bin/env", "-i", .. ImageEnvironment, $"TMPDIR={root.InRoot("")}",
                root.InRoot("app/pdns-webhook")],
            ServingCertificateFile = root.InRoot("tls.crt"),
            ServingKeyFile = root.InRoot("tls.key"),
            User = CertManager,
            Groups = ["system:serviceaccounts"],
            Flags = ["--lease-namespace", LeaseNamespace],
        };

    // cert-manager's request body (no apiVersion or kind, uid ""); true when response.success is.
    private async Task<bool> SolveAsync(HttpClient client, string action, string fqdn, string key)
    {
        var request = new JsonObject
        {
            ["uid"] = "",
            ["action"] = action,
            ["type"] = "dns-01",
            ["dnsName"] = fqdn["_acme-challenge.".Length..].TrimEnd('.'),
            ["key"] = key,
            ["resourceNamespace"] = "cert-manager",
            ["resolvedFQDN"] = fqdn,
            ["resolvedZone"] = "example.test.",
            ["allowAmbientCredentials"] = false,
            ["config"] = new JsonObject
            {
                ["host"] = pdns.ApiUrl.ToString(),
                ["apiKeySecretRef"] = new JsonObject { ["name"] = "pdns-api-key", ["key"] = "api-key" },
            },
        };
        using var response = await client.PostAsJsonAsync($"/apis/{Group}/v1alpha1/pdns", new JsonObject { ["request"] = request });
        var payload = await response.Content.ReadFromJsonAsync<JsonObject>();
        return payload?["response"]?["success"]?.GetValue<bool>() ?? false;
    }
}
