namespace Webhook.Api;

internal sealed record ApiGroupList(IReadOnlyList<ApiGroup> Groups)
{
    public string Kind { get; } = "APIGroupList";

    public string ApiVersion { get; } = "v1";
}
