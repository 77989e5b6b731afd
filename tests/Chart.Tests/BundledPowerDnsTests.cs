using System.Text;
using DnsClient;
using k8s.Models;

namespace Chart.Tests;

/// <summary>The bundled PowerDNS's objects: its pod started from them, its Services, NetworkPolicy, volume and API key.</summary>
public sealed class BundledPowerDnsTests(ChartRenderer chart)
{
    public static TheoryData<string> BundledCases => [.. ChartCase.All.Where(c => c != ChartCase.ExternalPowerDns).Select(c => c.Name)];

    /// <summary>
    /// The image's entrypoint must accept the rendered settings, import the rendered zones, serve them on UDP and TCP, take
    /// the rendered key on its API, and answer the liveness probe's command.
    /// </summary>
    [Theory]
    [MemberData(nameof(ChartCase.SqliteNames), MemberType = typeof(ChartCase))]
    public async Task ThePodStartsFromTheRenderedObjectsAndServesTheZones(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));

        await using var pdns = RenderedPowerDns.Start(rendering);

        await pdns.ShouldServeAsync(["intranet.example.com"]);
    }

    [Fact]
    public async Task ZonesFromNameserversAndFromRawZoneTextAreBothServed()
    {
        var rendering = await chart.RenderAsync("""
            powerdns:
              soa: {expire: 1209600}
              zones:
                - name: Intranet.Example.COM.
                  nameservers: [ns1.intranet.example.com, ns2.example.net.]
                  records: ["ns1 300 IN A 203.0.113.53"]
                - name: acme.example.org
                  zoneFile: |
                    $ORIGIN acme.example.org.
                    @ 60 IN SOA ns.example.org. dns.example.org. 7 3600 600 604800 10
                    @ 60 IN NS ns.example.org.
            """);

        await using var pdns = RenderedPowerDns.Start(rendering);

        await pdns.ShouldServeAsync(["intranet.example.com", "acme.example.org"]);
        var ns = await pdns.Dns(useTcp: false).QueryAsync("intranet.example.com", QueryType.NS);
        ns.Answers.NsRecords().Select(r => r.NSDName.Value).Should().BeEquivalentTo("ns1.intranet.example.com.", "ns2.example.net.");
        var soa = await pdns.Dns(useTcp: false).QueryAsync("intranet.example.com", QueryType.SOA);
        soa.Answers.SoaRecords().Single().Expire.Should().Be(1209600);
        var glue = await pdns.Dns(useTcp: true).QueryAsync("ns1.intranet.example.com", QueryType.A);
        glue.Answers.ARecords().Select(r => r.Address.ToString()).Should().Equal("203.0.113.53");
    }

    [Theory]
    [MemberData(nameof(ChartCase.SqliteNames), MemberType = typeof(ChartCase))]
    public async Task OneReplicaIsRecreatedOnItsVolume(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var pdns = rendering.PowerDns!;

        var data = pdns.Spec.Template.Spec.Volumes.Single(v => v.Name == "data");

        pdns.Spec.Replicas.Should().Be(1);
        pdns.Spec.Strategy.Type.Should().Be("Recreate");
        pdns.Spec.Template.Spec.AutomountServiceAccountToken.Should().BeFalse("PowerDNS never talks to Kubernetes");
        if (chartCase == ChartCase.Persistence.Name)
        {
            var claim = rendering.Get<V1PersistentVolumeClaim>(data.PersistentVolumeClaim.ClaimName);
            claim.Spec.StorageClassName.Should().Be("fast-ssd");
            claim.Spec.Resources.Requests["storage"].ToString().Should().Be("2Gi");
            data.EmptyDir.Should().BeNull();
        }
        else
        {
            data.EmptyDir.Should().NotBeNull();
            rendering.All<V1PersistentVolumeClaim>().Should().BeEmpty();
        }
    }

    [Fact]
    public async Task AnExistingClaimIsUsedAndNoneCreated()
    {
        var rendering = await chart.RenderAsync("powerdns: {persistence: {enabled: true, existingClaim: pdns-data}}");

        rendering.PowerDns!.Spec.Template.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim.ClaimName.Should().Be("pdns-data");
        rendering.All<V1PersistentVolumeClaim>().Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(BundledCases))]
    public async Task ThePublicDnsServiceExposesUdpAndTcp53(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var pod = rendering.PowerDns!.Spec.Template.Spec;

        var dns = rendering.All<V1Service>().Single(s => s.Metadata.Name.EndsWith("-powerdns-dns", StringComparison.Ordinal));

        dns.Spec.Type.Should().Be("LoadBalancer");
        dns.Spec.Ports.Select(p => (p.Protocol, p.Port)).Should().BeEquivalentTo([("UDP", 53), ("TCP", 53)]);
        dns.Spec.Ports.Select(p => Pods.Resolve(pod, p.TargetPort, p.Protocol)!.ContainerPort).Should().Equal(5353, 5353);
        Pods.Env(pod.Containers.Single())["PDNS_DNS_PORT"].Should().Be("5353");
    }

    [Fact]
    public async Task ThePublicDnsServiceSettingsAreConfigurable()
    {
        var rendering = await chart.RenderAsync("""
            powerdns:
              dnsService:
                annotations: {metallb.universe.tf/address-pool: public}
                loadBalancerIP: 203.0.113.53
                loadBalancerSourceRanges: [0.0.0.0/0]
                externalTrafficPolicy: Local
            """);
        var nodePort = await chart.RenderAsync("powerdns: {dnsService: {type: NodePort, loadBalancerIP: 203.0.113.53, externalTrafficPolicy: Cluster}}");

        var dns = rendering.All<V1Service>().Single(s => s.Metadata.Name.EndsWith("-powerdns-dns", StringComparison.Ordinal));
        var dnsOnNodes = nodePort.All<V1Service>().Single(s => s.Metadata.Name.EndsWith("-powerdns-dns", StringComparison.Ordinal));

        dns.Metadata.Annotations.Should().Contain("metallb.universe.tf/address-pool", "public");
        dns.Spec.LoadBalancerIP.Should().Be("203.0.113.53");
        dns.Spec.LoadBalancerSourceRanges.Should().Equal("0.0.0.0/0");
        dns.Spec.ExternalTrafficPolicy.Should().Be("Local");
        dnsOnNodes.Spec.Type.Should().Be("NodePort");
        dnsOnNodes.Spec.LoadBalancerIP.Should().BeNull("only a LoadBalancer has one");
        dnsOnNodes.Spec.ExternalTrafficPolicy.Should().Be("Cluster");
    }

    [Theory]
    [MemberData(nameof(BundledCases))]
    public async Task OnlyTheWebhookPodsMayReachTheApi(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var pdns = rendering.PowerDns!;
        var pod = pdns.Spec.Template.Spec;
        var apiPort = pod.Containers.Single().Ports.Single(p => p.Name == "api");

        var policy = rendering.All<V1NetworkPolicy>().Single(p => p.Metadata.Name.EndsWith("-powerdns", StringComparison.Ordinal));
        var open = policy.Spec.Ingress.Where(r => r.FromProperty is null).SelectMany(r => r.Ports).ToList();
        var fenced = policy.Spec.Ingress.Where(r => r.FromProperty is not null).ToList();

        rendering.Selected(policy.Spec.PodSelector.MatchLabels).Should().Equal(pdns);
        policy.Spec.PolicyTypes.Should().Contain("Ingress");
        open.Select(p => (p.Protocol, Pods.Resolve(pod, p.Port, p.Protocol)!.Name)).Should().BeEquivalentTo([("UDP", "dns-udp"), ("TCP", "dns-tcp")]);
        fenced.Should().ContainSingle().Which.Ports.Select(p => Pods.Resolve(pod, p.Port, p.Protocol)).Should().Equal(apiPort);
        fenced.Single().FromProperty.Should().ContainSingle().Which.NamespaceSelector.Should().BeNull("the webhook runs in the release namespace");
        rendering.Selected(fenced.Single().FromProperty.Single().PodSelector.MatchLabels).Should().Equal(rendering.Webhook);
        var api = rendering.Get<V1Service>($"{pdns.Metadata.Name}-api");
        api.Spec.Type.Should().Be("ClusterIP");
        Pods.Resolve(pod, api.Spec.Ports.Single().TargetPort).Should().BeSameAs(apiPort);
    }

    [Fact]
    public async Task TheApiKeyIsGeneratedOnceAndKeptAcrossUpgrades()
    {
        var first = await chart.RenderAsync();
        var secretName = first.PowerDns!.Spec.Template.Spec.Volumes.Single(v => v.Name == "api-key").Secret.SecretName;
        var installed = first.Get<V1Secret>(secretName);

        var reinstalled = await chart.RenderAsync();
        var upgraded = await chart.UpgradeAsync(installed);

        Encoding.UTF8.GetString(installed.Data["api-key"]).Should().MatchRegex("^[A-Za-z0-9]{40}$");
        reinstalled.Get<V1Secret>(secretName).Data["api-key"].Should().NotEqual(installed.Data["api-key"], "a fresh install gets a fresh key");
        upgraded.Get<V1Secret>(secretName).Data["api-key"].Should().Equal(installed.Data["api-key"], "an upgrade keeps the key it finds");
        upgraded.Get<V1Secret>(secretName, "cert-manager").Data["api-key"].Should().Equal(installed.Data["api-key"], "the ClusterIssuer's copy too");
    }

    [Fact]
    public async Task TheKeyIsCopiedToCertManagersNamespaceOnlyWhenTheReleaseIsElsewhere()
    {
        var elsewhere = await chart.RenderAsync();
        var inCertManagersNamespace = await chart.RenderAsync(@namespace: "cert-manager");

        elsewhere.All<V1Secret>().Select(s => s.Metadata.NamespaceProperty).Should().BeEquivalentTo([ChartRenderer.Namespace, "cert-manager"]);
        elsewhere.All<V1Secret>().Select(s => Convert.ToBase64String(s.Data["api-key"])).Distinct().Should().ContainSingle();
        inCertManagersNamespace.All<V1Secret>().Select(s => s.Metadata.NamespaceProperty).Should().Equal("cert-manager");
    }

    [Fact]
    public async Task AnExistingSecretIsMountedAndNoneGenerated()
    {
        var rendering = await chart.RenderAsync("powerdns: {apiKey: {existingSecret: my-pdns-key, secretKey: key}}");
        var container = rendering.PowerDns!.Spec.Template.Spec.Containers.Single();

        var secretDir = Pods.MountPath(rendering.PowerDns.Spec.Template.Spec, container, v => v.Secret?.SecretName == "my-pdns-key");

        rendering.All<V1Secret>().Should().BeEmpty();
        Pods.Env(container)["PDNS_API_KEY_FILE"].Should().Be($"{secretDir}/key");
    }
}
