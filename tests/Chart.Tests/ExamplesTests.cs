using k8s.Models;
using Webhook.Challenges;
using Webhook.Issuers;

namespace Chart.Tests;

/// <summary>examples/ works as a user copies it: it parses, it names this chart's solver, the webhook accepts its config.</summary>
public sealed class ExamplesTests(ChartRenderer chart)
{
    [Theory]
    [MemberData(nameof(Examples.ManifestFiles), MemberType = typeof(Examples))]
    public void EveryManifestParsesStrictlyIntoItsModel(string file)
    {
        var manifests = Examples.Manifests(file);

        manifests.Objects.Should().NotBeEmpty().And.OnlyContain(o => !string.IsNullOrEmpty(o.Metadata.Name));
    }

    [Theory]
    [MemberData(nameof(Examples.ValuesFiles), MemberType = typeof(Examples))]
    public async Task EveryValuesFileLintsStrictlyAndRendersTheDefaultSolver(string file)
    {
        var defaults = Args(await chart.RenderAsync(ChartCase.Defaults));

        var (code, output) = await chart.LintAsync(Path.Combine(Examples.Dir, file));
        var args = Args(await Examples.RenderAsync(chart, file));

        code.Should().Be(0, output);
        output.Should().NotContain("[WARNING]").And.NotContain("[ERROR]");
        Pods.Flag(args, "--group-name").Should().Be(Pods.Flag(defaults, "--group-name"));
        Pods.Flag(args, "--solver-name").Should().Be(Pods.Flag(defaults, "--solver-name"));
    }

    [Fact]
    public async Task EveryIssuerNamesTheChartsDefaultGroupAndSolver()
    {
        var defaults = Args(await chart.RenderAsync(ChartCase.Defaults));

        var issuers = await Examples.IssuersAsync(chart);

        issuers.Select(i => i.Source).Should().Contain(["clusterissuer.yaml", "issuer.yaml", "values-own-powerdns.yaml (rendered)"]);
        foreach (var (source, issuer) in issuers)
        {
            var webhook = issuer.Spec.Acme!.Solvers.Should().ContainSingle().Subject.Dns01!.Webhook!;
            webhook.GroupName.Should().Be(Pods.Flag(defaults, "--group-name"), source);
            webhook.SolverName.Should().Be(Pods.Flag(defaults, "--solver-name"), source);
        }
    }

    [Fact]
    public async Task EveryWebhookConfigPassesTheWebhooksOwnValidation()
    {
        var issuers = await Examples.IssuersAsync(chart);

        foreach (var (source, issuer) in issuers)
        {
            var parse = () => Examples.Config(issuer);
            parse.Should().NotThrow($"{source} ({issuer.Kind} {issuer.Metadata.Name}) is copied by users as it is");
        }
    }

    [Fact]
    public void TheValidationRefusesAMisspeltFieldByName()
    {
        var config = YamlJson.Node(Examples.Manifests("issuer.yaml").All<IssuerSpec>("Issuer").Single().Spec.Acme!.Solvers.Single().Dns01!.Webhook!.Config)!.AsObject();
        config["allowedZone"] = config["allowedZones"]!.DeepClone();
        config.Remove("allowedZones");

        var parse = () => SolverConfig.Parse(YamlJson.Element(config));

        parse.Should().Throw<SolverException>().WithMessage("*unknown field(s) 'allowedZone'*");
    }

    [Fact]
    public async Task EveryCertificateIsAWildcardPlusApexItsIssuersMayEdit()
    {
        var issuers = await Examples.IssuersAsync(chart);

        var certificates = Examples.Manifests("certificates.yaml").All<CertificateSpec>("Certificate").ToList();

        certificates.Select(c => c.Metadata.NamespaceProperty).Should().HaveCountGreaterThan(1).And.OnlyHaveUniqueItems("one per namespace");
        foreach (var certificate in certificates)
        {
            var apex = certificate.Spec.DnsNames!.Single(n => !n.StartsWith("*.", StringComparison.Ordinal));
            certificate.Spec.DnsNames.Should().BeEquivalentTo([$"*.{apex}", apex]);
            var itsIssuers = issuers.Where(i => Issues(i.Issuer, certificate)).ToList();
            itsIssuers.Should().NotBeEmpty($"the issuer of {certificate.Metadata.Name} is in examples/");
            foreach (var (source, issuer) in itsIssuers)
            {
                // Both names are validated through one TXT name, cert-manager's resolvedFQDN for them.
                var config = Examples.Config(issuer);
                config.Invoking(c => c.EnsureAllows($"_acme-challenge.{apex}.".ToLowerInvariant())).Should().NotThrow($"{source} may solve for {apex}");
            }
        }
    }

    [Fact]
    public async Task TheClusterIssuerReachesTheBundledPowerDnsWithItsKey()
    {
        var rendering = await Examples.RenderAsync(chart, "values-bundled-powerdns.yaml");
        var pdns = rendering.PowerDns!.Metadata.Name;

        var config = Examples.Config(Examples.Manifests("clusterissuer.yaml").ClusterIssuer!);

        var api = rendering.Get<V1Service>($"{pdns}-api", Examples.Namespace);
        config.Host.Should().Be(new Uri($"http://{api.Metadata.Name}.{api.Metadata.NamespaceProperty}.svc:{api.Spec.Ports.Single().Port}"));
        rendering.Get<V1Secret>(config.ApiKeySecretRef.Name, "cert-manager").Data.Should().ContainKey(config.ApiKeySecretRef.Key, "a ClusterIssuer's Secret is read in cert-manager's namespace");
        var zoneFiles = rendering.Get<V1ConfigMap>($"{pdns}-zones", Examples.Namespace).Data.Keys;
        config.AllowedZones.Select(z => z.TrimEnd('.') + ".zone").Should().NotBeEmpty().And.BeSubsetOf(zoneFiles, "the bundled PowerDNS serves them");
    }

    [Fact]
    public async Task TheNamespacedIssuersSecretIsBesideItAndTheWebhookMayReadIt()
    {
        var rendering = await Examples.RenderAsync(chart, "values-own-powerdns.yaml");
        var manifests = Examples.Manifests("issuer.yaml");
        var issuer = manifests.All<IssuerSpec>("Issuer").Single();

        var config = Examples.Config(issuer);

        manifests.Get<V1Secret>(config.ApiKeySecretRef.Name, issuer.Metadata.NamespaceProperty).StringData.Should().ContainKey(config.ApiKeySecretRef.Key);
        var readers = rendering.All<V1Role>().Where(r => r.Metadata.NamespaceProperty == issuer.Metadata.NamespaceProperty
            && r.Rules.Any(rule => rule.Resources.Contains("secrets") && rule.Verbs.Contains("get")));
        readers.Should().ContainSingle("rbac.secretNamespaces of values-own-powerdns.yaml lists the Issuer's namespace");
        rendering.All<V1RoleBinding>().Should().Contain(b => b.Metadata.NamespaceProperty == issuer.Metadata.NamespaceProperty
            && b.RoleRef.Name == readers.Single().Metadata.Name
            && b.Subjects.Any(s => s.Name == rendering.Webhook.Spec.Template.Spec.ServiceAccountName && s.NamespaceProperty == Examples.Namespace));
    }

    [Fact]
    public async Task TheCloudNativePgExampleRunsThreeReplicasOnItsClusterAndItsClusterIssuerNamesEach()
    {
        var rendering = await Examples.RenderAsync(chart, "values-cloudnativepg.yaml");
        var pdns = rendering.PowerDns!;

        var cluster = rendering.All<CloudNativePgClusterSpec>("Cluster").Single();
        var config = rendering.ClusterIssuer!.Spec.Acme!.Solvers.Single().Dns01!.Webhook!.Config!;
        var instances = rendering.Get<V1Service>($"{pdns.Metadata.Name}-instances", Examples.Namespace);

        pdns.Spec.Replicas.Should().Be(3);
        Pods.Env(pdns.Spec.Template.Spec.Containers.Single())["PDNS_PG_HOST"].Should().Be($"{cluster.Metadata.Name}-rw");
        cluster.Spec.Instances.Should().Be(3);
        rendering.ClusterIssuer.Metadata.Name.Should().Be("letsencrypt-pdns", "certificates.yaml names it");
        ((List<object>)config["instances"]).Should().Equal($"{instances.Metadata.Name}.{Examples.Namespace}.svc");
        instances.Spec.ClusterIP.Should().Be("None");
    }

    private static IList<string> Args(Rendering rendering) => rendering.Webhook.Spec.Template.Spec.Containers.Single().Args;

    private static bool Issues(CertManagerObject<IssuerSpec> issuer, CertManagerObject<CertificateSpec> certificate) =>
        issuer.Metadata.Name == certificate.Spec.IssuerRef.Name && issuer.Kind == (certificate.Spec.IssuerRef.Kind ?? "Issuer")
        && (issuer.Kind == "ClusterIssuer" || issuer.Metadata.NamespaceProperty == certificate.Metadata.NamespaceProperty);
}
