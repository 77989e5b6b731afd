namespace Webhook.Api;

/// <summary>The discovery documents of one group with one version and one resource per solver (CONTRACT.md 2.2).</summary>
internal static class Discovery
{
    public const string Version = "v1alpha1";

    // Whatever our group, the Go framework reports this group/version/kind for the solver resource.
    private const string PayloadGroup = "webhook.acme.cert-manager.io";

    public static ApiGroup Group(WebhookOptions options)
    {
        var version = new GroupVersionForDiscovery($"{options.GroupName}/{Version}", Version);
        return new ApiGroup(options.GroupName, [version], version);
    }

    public static ApiGroupList Groups(WebhookOptions options) => new([Group(options) with { Kind = null, ApiVersion = null }]);

    public static ApiResourceList Resources(WebhookOptions options) =>
        new($"{options.GroupName}/{Version}",
            [new ApiResource(options.SolverName, "ChallengePayload", false, PayloadGroup, Version, "ChallengePayload", ["create"])]);
}
