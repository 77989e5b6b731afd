namespace Webhook.Api;

internal sealed record ApiGroup(string Name, IReadOnlyList<GroupVersionForDiscovery> Versions, GroupVersionForDiscovery PreferredVersion)
{
    public string? Kind { get; init; } = "APIGroup";

    public string? ApiVersion { get; init; } = "v1";
}
