using k8s.Models;

namespace Chart.Tests;

/// <summary>Several PowerDNS replicas: spread over nodes and zones, drained one at a time, each named for the webhook, fenced.</summary>
public sealed class PowerDnsReplicasTests(ChartRenderer chart)
{
    [Fact]
    public async Task ReplicasSpreadAcrossNodesAndZonesAndAreDrainedOneAtATime()
    {
        var rendering = await chart.RenderAsync(ChartCase.CloudNativePg);
        var pdns = rendering.PowerDns!;

        var spread = pdns.Spec.Template.Spec.TopologySpreadConstraints.ToDictionary(c => c.TopologyKey);
        var budget = rendering.All<V1PodDisruptionBudget>().Single(b => rendering.Selected(b.Spec.Selector.MatchLabels).Contains(pdns));

        pdns.Spec.Replicas.Should().Be(3);
        pdns.Spec.Strategy.Type.Should().Be("RollingUpdate");
        pdns.Spec.Strategy.RollingUpdate.MaxUnavailable.Value.Should().Be("0", "a new replica is ready before an old one goes");
        spread.Keys.Should().BeEquivalentTo("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        spread["kubernetes.io/hostname"].WhenUnsatisfiable.Should().Be("DoNotSchedule");
        spread["topology.kubernetes.io/zone"].WhenUnsatisfiable.Should().Be("ScheduleAnyway", "a cluster in one zone must still schedule them");
        foreach (var constraint in spread.Values)
        {
            constraint.MaxSkew.Should().Be(1);
            constraint.NodeTaintsPolicy.Should().Be("Honor", "nodes it may not run on must not count as empty domains");
            rendering.Selected(constraint.LabelSelector.MatchLabels).Should().Equal(pdns);
        }

        rendering.Selected(budget.Spec.Selector.MatchLabels).Should().Equal(pdns);
        budget.Spec.MaxUnavailable.Value.Should().Be("1");
    }

    [Fact]
    public async Task OneReplicaOnSqliteHasNoBudgetSpreadOrInstancesService()
    {
        var rendering = await chart.RenderAsync(ChartCase.ClusterIssuer);
        var pdns = rendering.PowerDns!;

        rendering.All<V1PodDisruptionBudget>().Should().NotContain(b => rendering.Selected(b.Spec.Selector.MatchLabels).Contains(pdns));
        pdns.Spec.Template.Spec.TopologySpreadConstraints.Should().BeNull();
        rendering.All<V1Service>().Should().NotContain(s => s.Spec.ClusterIP == "None");
        rendering.ClusterIssuer!.Spec.Acme!.Solvers.Single().Dns01!.Webhook!.Config.Should().NotContainKeys("instances", "dnsPort");
    }

    /// <summary>Each replica caches on its own: the webhook needs every one's address (a headless Service) to flush and check it.</summary>
    [Fact]
    public async Task TheClusterIssuerNamesEveryReplicaThroughAHeadlessService()
    {
        var rendering = await chart.RenderAsync(ChartCase.CloudNativePg);
        var pdns = rendering.PowerDns!;
        var pod = pdns.Spec.Template.Spec;

        var headless = rendering.All<V1Service>().Should().ContainSingle(s => s.Spec.ClusterIP == "None").Subject;
        var config = rendering.ClusterIssuer!.Spec.Acme!.Solvers.Single().Dns01!.Webhook!.Config!;

        headless.Spec.PublishNotReadyAddresses.Should().BeFalse("a starting replica must not be asked before it serves the zones");
        rendering.Selected(headless.Spec.Selector).Should().Equal(pdns);
        ((List<object>)config["instances"]).Should().Equal($"{headless.Metadata.Name}.{headless.Metadata.NamespaceProperty}.svc");
        config["dnsPort"].Should().Be(pod.Containers.Single().Ports.Single(p => p.Name == "dns-udp").ContainerPort, "the instances are pods, not the public Service");
        headless.Spec.Ports.Select(p => Pods.Resolve(pod, p.TargetPort, p.Protocol)!.Name).Should().BeEquivalentTo("dns-udp", "dns-tcp", "api");
    }

    [Fact]
    public async Task PowerDnsMayReachTheCloudNativePgPodsAndTheClustersDnsOnly()
    {
        var rendering = await chart.RenderAsync(ChartCase.CloudNativePg);
        var cluster = rendering.All<CloudNativePgClusterSpec>("Cluster").Single();

        var policy = rendering.All<V1NetworkPolicy>().Single(p => p.Metadata.Name.EndsWith("-powerdns", StringComparison.Ordinal));

        policy.Spec.PolicyTypes.Should().BeEquivalentTo("Ingress", "Egress");
        Ports(policy.Spec.Egress.Single(r => r.To is null)).Should().BeEquivalentTo(["UDP 53", "TCP 53"]);
        var database = policy.Spec.Egress.Single(r => r.To is not null);
        Ports(database).Should().Equal("TCP 5432");
        database.To.Should().ContainSingle().Which.PodSelector.MatchLabels.Should().Equal(new Dictionary<string, string> { ["cnpg.io/cluster"] = cluster.Metadata.Name });
        database.To.Single().NamespaceSelector.Should().BeNull("the Cluster is in the release namespace");
    }

    [Theory]
    [InlineData("10.20.30.40", "10.20.30.40/32")]
    [InlineData("fd00::5", "fd00::5/128")]
    [InlineData("pdns-db.example.net", null)]
    public async Task PowerDnsMayReachAnExistingDatabaseOnItsPortAndAddressIfItHasOne(string host, string? cidr)
    {
        var rendering = await chart.RenderAsync($"powerdns: {{backend: postgresql, postgresql: {{host: '{host}', port: 6432, existingSecret: pdns-db}}}}");

        var egress = rendering.All<V1NetworkPolicy>().Single(p => p.Metadata.Name.EndsWith("-powerdns", StringComparison.Ordinal)).Spec.Egress;

        var database = egress.Single(r => Ports(r).SequenceEqual(["TCP 6432"]));
        if (cidr is null)
        {
            database.To.Should().BeNull("a NetworkPolicy cannot name a host: only its port can be fenced");
        }
        else
        {
            database.To.Should().ContainSingle().Which.IpBlock.Cidr.Should().Be(cidr);
        }
    }

    [Fact]
    public async Task OnSqlitePowerDnsEgressIsNotRestricted()
    {
        var rendering = await chart.RenderAsync();

        var policy = rendering.All<V1NetworkPolicy>().Single(p => p.Metadata.Name.EndsWith("-powerdns", StringComparison.Ordinal));

        policy.Spec.PolicyTypes.Should().Equal("Ingress");
        policy.Spec.Egress.Should().BeNull();
    }

    private static IEnumerable<string> Ports(V1NetworkPolicyEgressRule rule) => rule.Ports.Select(p => $"{p.Protocol} {p.Port.Value}");
}
