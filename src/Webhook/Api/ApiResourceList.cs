namespace Webhook.Api;

internal sealed record ApiResourceList(string GroupVersion, IReadOnlyList<ApiResource> Resources)
{
    public string Kind { get; } = "APIResourceList";

    public string ApiVersion { get; } = "v1";
}
