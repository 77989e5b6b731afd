namespace Webhook.Api;

internal sealed record GroupVersionForDiscovery(string GroupVersion, string Version);
