using Webhook.Challenges;
using Webhook.Issuers;

namespace Webhook.Secrets;

/// <summary>Reads <c>DIR/&lt;namespace&gt;/&lt;name&gt;/&lt;key&gt;</c>: the layout of a mounted Secret, one folder per namespace, for runs outside Kubernetes.</summary>
internal sealed class FileSecretSource(string directory) : ISecretSource
{
    public Task<string> GetAsync(string @namespace, SecretKeySelector selector, CancellationToken cancellationToken)
    {
        // SolverConfig has already checked name and key against Kubernetes' naming rules, so neither can leave the directory.
        var path = Path.Combine(directory, @namespace, selector.Name, selector.Key);
        // A mounted key is a few bytes on a local file system: a synchronous read costs less than an async one's trip
        // through the thread pool, on every solve.
        return Task.FromResult(@namespace.Length > 0 && !@namespace.Contains('/', StringComparison.Ordinal) && !@namespace.StartsWith('.') && File.Exists(path)
            ? File.ReadAllText(path).Trim()
            : throw new SolverException($"secret '{@namespace}/{selector.Name}' has no key '{selector.Key}': no file {path}"));
    }
}
