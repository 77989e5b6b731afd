using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Chart.Tests;

/// <summary>The optional ClusterIssuer: wired to the bundled PowerDNS (or an external one) and to this release's solver.</summary>
public sealed class ClusterIssuerTests(ChartRenderer chart)
{
    [Fact]
    public async Task NoClusterIssuerUnlessAskedFor()
    {
        var rendering = await chart.RenderAsync();

        rendering.ClusterIssuer.Should().BeNull();
    }

    [Fact]
    public async Task TheClusterIssuerIsPreWiredToTheBundledPowerDnsAndItsKey()
    {
        var rendering = await chart.RenderAsync(ChartCase.ClusterIssuer);
        var issuer = rendering.ClusterIssuer!;
        var args = rendering.Webhook.Spec.Template.Spec.Containers.Single().Args;
        var api = rendering.Get<V1Service>($"{rendering.PowerDns!.Metadata.Name}-api");

        var solver = issuer.Spec.Acme!.Solvers.Single();
        var webhook = solver.Dns01!.Webhook!;
        var keyRef = (Dictionary<object, object>)webhook.Config!["apiKeySecretRef"];
        var secret = rendering.Get<V1Secret>((string)keyRef["name"], "cert-manager");   // a ClusterIssuer's resourceNamespace

        issuer.Metadata.Name.Should().Be("letsencrypt-staging");
        issuer.Spec.Acme.Server.Should().Be("https://acme-staging-v02.api.letsencrypt.org/directory");
        issuer.Spec.Acme.Email.Should().Be("platform@example.com");
        issuer.Spec.Acme.PrivateKeySecretRef.Name.Should().Be("letsencrypt-staging-account-key");
        solver.Selector!.DnsZones.Should().Equal("intranet.example.com");
        webhook.GroupName.Should().Be(Pods.Flag(args, "--group-name"));
        webhook.SolverName.Should().Be(Pods.Flag(args, "--solver-name"));
        webhook.Config["host"].Should().Be($"http://{api.Metadata.Name}.{api.Metadata.NamespaceProperty}.svc:{api.Spec.Ports.Single().Port}");
        secret.Data.Should().ContainKey((string)keyRef["key"]);
        secret.Data[(string)keyRef["key"]].Should().Equal(rendering.Get<V1Secret>(secret.Metadata.Name).Data[(string)keyRef["key"]], "the key PowerDNS mounts");
        ((List<object>)webhook.Config["allowedZones"]).Should().Equal("intranet.example.com");
        webhook.Config["ttl"].Should().Be(120, "clusterIssuer.config is merged in");
        WebhookMayGetSecretsIn(rendering, "cert-manager").Should().BeTrue();
    }

    /// <summary>
    /// Everything the ClusterIssuer wires together, running: cert-manager's Present and CleanUp (the exact request body,
    /// with the ClusterIssuer's config) through the rendered webhook, which reads the rendered key Secret in cert-manager's
    /// namespace and edits the rendered PowerDNS's zone; the TXT value appears on its DNS port, then goes.
    /// </summary>
    [Fact]
    public async Task TheClusterIssuerSolvesAChallengeThroughTheRenderedWebhookAndPowerDns()
    {
        var rendering = await chart.RenderAsync(ChartCase.ClusterIssuer);
        var webhookSolver = rendering.ClusterIssuer!.Spec.Acme!.Solvers.Single().Dns01!.Webhook!;
        var config = YamlJson.Node(webhookSolver.Config)!.AsObject();
        var keyRef = config["apiKeySecretRef"]!;
        var secret = rendering.Get<V1Secret>(keyRef["name"]!.GetValue<string>(), "cert-manager");
        var api = rendering.Get<V1Service>($"{rendering.PowerDns!.Metadata.Name}-api");
        await using var kube = await FakeKubeApi.StartAsync();
        kube.Secrets[("cert-manager", secret.Metadata.Name)] = new()
        {
            [keyRef["key"]!.GetValue<string>()] = Encoding.UTF8.GetString(secret.Data[keyRef["key"]!.GetValue<string>()]),
        };
        await using var powerDns = RenderedPowerDns.Start(rendering);
        await powerDns.ShouldServeAsync(["intranet.example.com"]);
        await using var webhook = RenderedWebhook.Start(rendering, kube);
        using var certManager = webhook.Aggregator("system:serviceaccount:cert-manager:cert-manager",
            "system:serviceaccounts", "system:serviceaccounts:cert-manager", "system:authenticated");
        config["host"]!.GetValue<string>().Should().Be($"http://{api.Metadata.Name}.{api.Metadata.NamespaceProperty}.svc:{api.Spec.Ports.Single().Port}");
        Pods.Flag(rendering.Webhook.Spec.Template.Spec.Containers.Single().Args, "--allowed-hosts").Should()
            .Be($"{api.Metadata.Name}.{api.Metadata.NamespaceProperty}.svc:{api.Spec.Ports.Single().Port}", "the webhook sends keys only to the PowerDNS it was installed with");
        config["host"] = powerDns.ApiUrl.ToString();   // the Service's name resolves to the pod: here, loopback
        var path = $"/apis/{webhookSolver.GroupName}/v1alpha1/{webhookSolver.SolverName}";
        var probe = new DnsProbe(powerDns.DnsPort);
        const string Fqdn = "_acme-challenge.qa.intranet.example.com.";

        await Eventually.ReturnsAsync(() => webhook.Kubelet().GetAsync("/readyz"), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(30), webhook.ToString);
        var presented = await SolveAsync(certManager, path, "Present", Fqdn, config);
        var served = await probe.TxtAsync(Fqdn);
        var cleanedUp = await SolveAsync(certManager, path, "CleanUp", Fqdn, config);
        var gone = await probe.TxtAsync(Fqdn);

        presented.Should().Be("success", webhook.ToString());
        served.Values.Should().Equal(["challenge-key"], powerDns.ToString());
        cleanedUp.Should().Be("success");
        gone.Values.Should().BeEmpty();
        var review = kube.ReceivedReviews.Should().NotBeEmpty().And.Subject.Last()["spec"]!;
        var rule = rendering.All<V1ClusterRole>().Single(r => r.Metadata.Name.EndsWith(":domain-solver", StringComparison.Ordinal)).Rules.Single();
        rule.ApiGroups.Should().Contain(review["resourceAttributes"]!["group"]!.GetValue<string>(), "the RBAC rule covers what the webhook asks kube-apiserver");
        rule.Resources.Should().Contain(review["resourceAttributes"]!["resource"]!.GetValue<string>());
        rule.Verbs.Should().Contain(review["resourceAttributes"]!["verb"]!.GetValue<string>());
    }

    [Fact]
    public async Task WithoutTheBundledPowerDnsTheClusterIssuerUsesTheExternalOneAndNothingOfPowerDnsIsInstalled()
    {
        var rendering = await chart.RenderAsync(ChartCase.ExternalPowerDns);
        var webhook = rendering.ClusterIssuer!.Spec.Acme!.Solvers.Single().Dns01!.Webhook!;

        webhook.Config!["host"].Should().Be("https://pdns.example.net/pdns");
        webhook.Config["apiKeySecretRef"].Should().BeEquivalentTo(new Dictionary<object, object> { ["name"] = "pdns-api-key", ["key"] = "api-key" });
        ((List<object>)webhook.Config["allowedZones"]).Should().Equal("intranet.example.net");
        rendering.Objects.Where(o => o.Metadata.Labels["app.kubernetes.io/component"] == "powerdns").Should().BeEmpty();
        WebhookMayGetSecretsIn(rendering, "cert-manager").Should().BeTrue();
        WebhookMayGetSecretsIn(rendering, "team-a").Should().BeTrue("rbac.secretNamespaces lists it");
        WebhookMayGetSecretsIn(rendering, ChartRenderer.Namespace).Should().BeFalse();
    }

    [Fact]
    public async Task SecretsCanBeReadEverywhereOnlyWhenAskedFor()
    {
        var rendering = await chart.RenderAsync("rbac: {clusterWideSecrets: true}");

        var role = rendering.All<V1ClusterRole>().Single(r => r.Rules.Any(rule => rule.Resources.Contains("secrets")));

        role.Rules.Single().Verbs.Should().Equal("get");
        rendering.All<V1ClusterRoleBinding>().Single(b => b.RoleRef.Name == role.Metadata.Name).Subjects.Single().Name
            .Should().Be(rendering.Webhook.Spec.Template.Spec.ServiceAccountName);
        rendering.All<V1Role>().Should().NotContain(r => r.Rules.Any(rule => rule.Resources.Contains("secrets")));
    }

    [Theory]
    [InlineData("clusterIssuer: {enabled: true}", "/clusterIssuer/email")]
    [InlineData("clusterIssuer: {enabled: true, email: ''}", "/clusterIssuer/email")]
    [InlineData("{powerdns: {enabled: false}, clusterIssuer: {enabled: true, email: a@example.com}}", "externalPowerDns.host is required")]
    [InlineData("{powerdns: {enabled: false}, externalPowerDns: {host: 'https://pdns'}, clusterIssuer: {enabled: true, email: a@example.com}}",
        "externalPowerDns.apiKeySecretRef.name is required")]
    public async Task AnIncompleteClusterIssuerIsRefusedWithTheMissingValue(string values, string message)
    {
        var error = await chart.RenderErrorAsync(values);

        error.Should().Contain(message);
    }

    /// <summary>cert-manager's call (docs/contract.md 1.3): "success", or the failure message, or the HTTP status.</summary>
    private static async Task<string> SolveAsync(HttpClient certManager, string path, string action, string fqdn, JsonObject config)
    {
        var body = new JsonObject
        {
            ["request"] = new JsonObject
            {
                ["uid"] = "", ["action"] = action, ["type"] = "dns-01", ["dnsName"] = "qa.intranet.example.com", ["key"] = "challenge-key",
                ["resourceNamespace"] = "cert-manager", ["resolvedFQDN"] = fqdn, ["resolvedZone"] = "intranet.example.com.",
                ["allowAmbientCredentials"] = false, ["config"] = config.DeepClone(),
            },
        };
        using var answer = await certManager.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await answer.Content.ReadAsStringAsync();
        if (answer.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created))
        {
            return $"HTTP {(int)answer.StatusCode}: {text}";
        }

        var response = JsonNode.Parse(text)!["response"]!;
        return response["success"]!.GetValue<bool>() ? "success" : response["status"]?["message"]?.GetValue<string>() ?? text;
    }

    private static bool WebhookMayGetSecretsIn(Rendering rendering, string @namespace)
    {
        var account = rendering.Webhook.Spec.Template.Spec.ServiceAccountName;
        return rendering.All<V1RoleBinding>().Any(b => b.Metadata.NamespaceProperty == @namespace
            && b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account && s.NamespaceProperty == ChartRenderer.Namespace)
            && rendering.All<V1Role>().Any(r => r.Metadata.NamespaceProperty == @namespace && r.Metadata.Name == b.RoleRef.Name
                && r.Rules.Any(rule => rule.Resources.Contains("secrets") && rule.Verbs.Contains("get"))));
    }
}
