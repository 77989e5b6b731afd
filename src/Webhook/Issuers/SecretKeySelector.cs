namespace Webhook.Issuers;

/// <summary>A key of a Secret in the request's <c>resourceNamespace</c>, as cert-manager's own solvers reference credentials.</summary>
internal sealed record SecretKeySelector(string Name, string Key);
