namespace Webhook.Api;

/// <summary>The discovery documents of one group with one version and one resource per solver (docs/contract.md 2.2).</summary>
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

// metav1's discovery types, only the fields the aggregator and kubectl read. Inside /apis a group carries no kind.
internal sealed record ApiGroupList(IReadOnlyList<ApiGroup> Groups)
{
    public string Kind { get; } = "APIGroupList";

    public string ApiVersion { get; } = "v1";
}

internal sealed record ApiGroup(string Name, IReadOnlyList<GroupVersionForDiscovery> Versions, GroupVersionForDiscovery PreferredVersion)
{
    public string? Kind { get; init; } = "APIGroup";

    public string? ApiVersion { get; init; } = "v1";
}

internal sealed record GroupVersionForDiscovery(string GroupVersion, string Version);

internal sealed record ApiResourceList(string GroupVersion, IReadOnlyList<ApiResource> Resources)
{
    public string Kind { get; } = "APIResourceList";

    public string ApiVersion { get; } = "v1";
}

internal sealed record ApiResource(string Name, string SingularName, bool Namespaced, string Group, string Version, string Kind, IReadOnlyList<string> Verbs);
