namespace Webhook.Api;

internal sealed record ApiResource(
    string Name,
    string SingularName,
    bool Namespaced,
    string Group,
    string Version,
    string Kind,
    IReadOnlyList<string> Verbs);
