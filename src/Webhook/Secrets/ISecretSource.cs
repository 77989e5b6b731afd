using Webhook.Challenges;
using Webhook.Issuers;

namespace Webhook.Secrets;

/// <summary>Where API keys come from: Kubernetes Secrets in a cluster, files for local runs. Values are never logged.</summary>
internal interface ISecretSource
{
    /// <summary>The value of <paramref name="selector"/> in <paramref name="namespace"/>, trimmed; a <see cref="SolverException"/> naming both when absent.</summary>
    Task<string> GetAsync(string @namespace, SecretKeySelector selector, CancellationToken cancellationToken);
}
