using PowerDnsClient;
using Webhook.Challenges;
using Webhook.Editing;
using Webhook.Issuers;

namespace Webhook.Secrets;

/// <summary>
/// The API keys the solves use, read through <see cref="ISecretSource"/> and kept per Secret key for
/// <see cref="Lifetime"/>, one read shared by every solve that asks meanwhile: a burst of 5,000 challenges reads its
/// Secret once, where it made 5,000 GETs to kube-apiserver. A read that failed is not kept (a Secret created or granted
/// after the failure applies at once), and a kept key that PowerDNS refused is read anew (<see cref="GetAfterRefusalAsync"/>),
/// so a rotated key applies at once too.
/// </summary>
internal sealed class ApiKeys(ISecretSource secrets, TimeProvider time)
{
    /// <summary>How long a read key is used without reading the Secret again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    // Namespaces, names and keys come from Issuers: bounded, and forgotten once unused for a lifetime.
    private readonly BoundedCache<(string Namespace, string Name, string Key), Cached<string>> _keys = new(1024, Lifetime, time);

    public Task<string> GetAsync(string @namespace, SecretKeySelector selector, CancellationToken cancellationToken) =>
        Kept(@namespace, selector).GetAsync(() => ReadAsync(@namespace, selector)).WaitAsync(cancellationToken);

    /// <summary>
    /// After PowerDNS refused <paramref name="refused"/>: the Secret read anew, unless a read since then (another
    /// solve's, after the same refusal) already holds another key.
    /// </summary>
    public Task<string> GetAfterRefusalAsync(string @namespace, SecretKeySelector selector, string refused, CancellationToken cancellationToken) =>
        Kept(@namespace, selector).GetAsync(() => ReadAsync(@namespace, selector), stale: key => key == refused).WaitAsync(cancellationToken);

    private Cached<string> Kept(string @namespace, SecretKeySelector selector) =>
        _keys.GetOrAdd((@namespace, selector.Name, selector.Key), _ => new Cached<string>(Lifetime, time));

    // Shared by every solve waiting for it, so no one solve's cancellation cancels it; the solver's deadline bounds it.
    private async Task<string> ReadAsync(string @namespace, SecretKeySelector selector)
    {
        using var deadline = new CancellationTokenSource(ChallengeSolver.Deadline, time);
        return await secrets.GetAsync(@namespace, selector, deadline.Token);
    }
}
