using k8s.Models;

namespace Chart.Tests;

/// <summary>Replicas serialise their writes through Leases in the release namespace: the flag, and exactly the grant it needs.</summary>
public sealed class LeaseRbacTests(ChartRenderer chart)
{
    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task TheWebhookMayTakeLeasesInItsNamespaceOnlyAndIsToldToUseThem(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var args = rendering.Webhook.Spec.Template.Spec.Containers.Single().Args;
        var account = rendering.Webhook.Spec.Template.Spec.ServiceAccountName;

        Pods.Flag(args, "--lease-namespace").Should().Be(ChartRenderer.Namespace);
        var role = rendering.All<V1Role>().Should().ContainSingle(r => r.Rules.Any(rule => rule.Resources != null && rule.Resources.Contains("leases"))).Subject;
        role.Metadata.NamespaceProperty.Should().Be(ChartRenderer.Namespace);
        var rule = role.Rules.Should().ContainSingle().Subject;
        rule.ApiGroups.Should().Equal("coordination.k8s.io");
        rule.Verbs.Should().Equal("get", "create", "update");
        rule.ResourceNames.Should().BeNull("Lease names are derived from each PowerDNS server and zone");
        rendering.All<V1RoleBinding>().Should().ContainSingle(b => b.RoleRef.Kind == "Role" && b.RoleRef.Name == role.Metadata.Name)
            .Which.Subjects.Should().ContainSingle().Which.Name.Should().Be(account);
        rendering.All<V1ClusterRole>().SelectMany(r => r.Rules).Should().NotContain(r => r.Resources != null && r.Resources.Contains("leases"), "no Lease outside the release namespace");
    }
}
