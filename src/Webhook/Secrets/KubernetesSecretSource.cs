using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using Webhook.Challenges;
using Webhook.Issuers;

namespace Webhook.Secrets;

/// <summary>Reads the Secret in the request's <c>resourceNamespace</c>, per request, so rotated keys apply at once.</summary>
internal sealed class KubernetesSecretSource(IKubernetes kubernetes) : ISecretSource
{
    public async Task<string> GetAsync(string @namespace, SecretKeySelector selector, CancellationToken cancellationToken)
    {
        var read = kubernetes.CoreV1.ReadNamespacedSecretAsync(selector.Name, @namespace, cancellationToken: cancellationToken);
        await ((Task)read).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // inspect the failure, rethrow below
        var status = (read.Exception?.InnerException as HttpOperationException)?.Response.StatusCode;
        var secret = status switch
        {
            HttpStatusCode.NotFound => throw new SolverException(
                $"secret '{selector.Name}' not found in namespace '{@namespace}' (apiKeySecretRef.name; a ClusterIssuer's secrets live in cert-manager's cluster resource namespace)"),
            HttpStatusCode.Forbidden => throw new SolverException(
                $"the webhook may not read secret '{selector.Name}' in namespace '{@namespace}': grant its service account 'get' on secrets there"),
            _ => await read,
        };
        return secret.Data?.TryGetValue(selector.Key, out var value) == true && Encoding.UTF8.GetString(value).Trim() is { Length: > 0 } apiKey
            ? apiKey
            : throw new SolverException(
                $"secret '{@namespace}/{selector.Name}' has no non-empty key '{selector.Key}' (apiKeySecretRef.key)");   // its other keys are not the caller's business
    }
}
