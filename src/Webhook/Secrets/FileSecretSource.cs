using Webhook.Challenges;
using Webhook.Issuers;

namespace Webhook.Secrets;

/// <summary>Reads <c>DIR/&lt;namespace&gt;/&lt;name&gt;/&lt;key&gt;</c>: the layout of a mounted Secret, one folder per namespace, for runs outside Kubernetes.</summary>
internal sealed class FileSecretSource(string directory) : ISecretSource
{
    public async Task<string> GetAsync(string @namespace, SecretKeySelector selector, CancellationToken cancellationToken)
    {
        // SolverConfig has already checked name and key against Kubernetes' naming rules, so neither can leave the directory.
        var path = Path.Combine(directory, @namespace, selector.Name, selector.Key);
        return @namespace.Length > 0 && !@namespace.Contains('/', StringComparison.Ordinal) && !@namespace.StartsWith('.') && File.Exists(path)
            ? (await File.ReadAllTextAsync(path, cancellationToken)).Trim()
            : throw new SolverException($"secret '{@namespace}/{selector.Name}' has no key '{selector.Key}': no file {path}");
    }
}
