using k8s.Models;

namespace Chart.Tests;

/// <summary>serviceAccount.create/name/annotations, as cert-manager's chart has them: the webhook's identity and what its RBAC binds.</summary>
public sealed class ServiceAccountTests(ChartRenderer chart)
{
    [Fact]
    public async Task AnExistingAccountIsUsedByNameAndNoneIsCreated()
    {
        var rendering = await chart.RenderAsync("serviceAccount: {create: false, name: dns-solver}");

        var webhookSubjects = WebhookSubjects(rendering).ToList();

        rendering.All<V1ServiceAccount>().Should().BeEmpty();
        rendering.Webhook.Spec.Template.Spec.ServiceAccountName.Should().Be("dns-solver");
        webhookSubjects.Should().HaveCount(4, "auth-delegator, the authentication reader, the Secret reader and the Lease writer")
            .And.OnlyContain(s => s.Name == "dns-solver");
    }

    [Fact]
    public async Task ACreatedAccountTakesTheGivenNameAndAnnotations()
    {
        var rendering = await chart.RenderAsync("""
            serviceAccount:
              name: dns-solver
              annotations: {azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000000}
            """);

        var account = rendering.Get<V1ServiceAccount>("dns-solver");

        account.Metadata.Annotations.Should().Equal(new Dictionary<string, string> { ["azure.workload.identity/client-id"] = "00000000-0000-0000-0000-000000000000" });
        rendering.All<V1ServiceAccount>().Should().ContainSingle();
        rendering.Webhook.Spec.Template.Spec.ServiceAccountName.Should().Be("dns-solver");
        WebhookSubjects(rendering).Should().OnlyContain(s => s.Name == "dns-solver");
    }

    [Fact]
    public async Task TheDefaultAccountIsNamedAfterTheReleaseWithoutAnnotations()
    {
        var rendering = await chart.RenderAsync(ChartCase.Defaults);

        var account = rendering.All<V1ServiceAccount>().Should().ContainSingle().Subject;

        account.Metadata.Name.Should().Be("acme-dns-pdns-webhook");
        account.Metadata.Annotations.Should().BeNull();
        rendering.Webhook.Spec.Template.Spec.ServiceAccountName.Should().Be(account.Metadata.Name);
    }

    [Fact]
    public async Task NotCreatingOneWithoutANameIsRefused()
    {
        var error = await chart.RenderErrorAsync("serviceAccount: {create: false}");

        error.Should().Contain("serviceAccount.name is required when serviceAccount.create is false");
    }

    /// <summary>The RBAC subjects in the release namespace: the webhook's (cert-manager's account lives in its own).</summary>
    private static IEnumerable<Rbacv1Subject> WebhookSubjects(Rendering rendering) =>
        rendering.All<V1ClusterRoleBinding>().SelectMany(b => b.Subjects)
            .Concat(rendering.All<V1RoleBinding>().SelectMany(b => b.Subjects))
            .Where(s => s.NamespaceProperty == ChartRenderer.Namespace);
}
