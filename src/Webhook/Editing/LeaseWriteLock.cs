using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Webhook.Challenges;
using Webhook.Observability;

namespace Webhook.Editing;

/// <summary>
/// A Kubernetes Lease (coordination.k8s.io/v1) per <see cref="WriteScope"/>, so that one batch per scope is written at
/// a time across all replicas (docs/architecture.md, decision 11). Every change to a Lease is a compare-and-swap on its
/// resourceVersion: of two replicas that saw it free, one wins and the other gets 409 and waits. The in-process lock is
/// taken first, so the writers of one process queue here instead of polling the API.
/// A holder that stops renewing is taken over once the Lease has been seen unchanged for its leaseDurationSeconds,
/// measured on this process's clock, as client-go's leader election does: the holder's renewTime is written by another
/// clock, so comparing it with ours would let a skewed clock take a live Lease.
/// </summary>
internal sealed class LeaseWriteLock(IKubernetes kubernetes, string @namespace, TimeSpan duration, WebhookMetrics metrics, TimeProvider time, ILogger<LeaseWriteLock> logger)
    : IWriteLock
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LastBackoff = TimeSpan.FromMilliseconds(400);
    private readonly InProcessWriteLock _local = new();
    private readonly ConcurrentDictionary<string, (string? Version, string? Holder, long At)> _seen = new();
    private readonly int _durationSeconds = (int)duration.TotalSeconds;

    /// <summary>The pod (POD_NAME, else the host name, which is the pod's name in Kubernetes) and this process.</summary>
    public string Identity { get; } =
        $"{(Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName)}_{Guid.NewGuid().ToString("N")[..8]}";

    public async ValueTask<IAsyncDisposable> AcquireAsync(WriteScope scope, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var local = await _local.AcquireAsync(scope, cancellationToken);
        var take = TakeAsync(Leases.Name(scope), scope, cancellationToken);
        await ((Task)take).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        metrics.LockWaited(time.GetElapsedTime(started), take.IsCompletedSuccessfully);
        if (!take.IsCompletedSuccessfully)
        {
            await local.DisposeAsync();
            if (cancellationToken.IsCancellationRequested)
            {
                var seen = _seen.TryGetValue(Leases.Name(scope), out var s) ? $"held by '{s.Holder}'" : "no answer from the Kubernetes API";
                throw new SolverException(
                    $"gave up after {time.GetElapsedTime(started).TotalSeconds:0.0} s waiting for lease '{@namespace}/{Leases.Name(scope)}' ({scope}): {seen}");
            }

            await take;   // rethrows what failed
        }

        return new HeldLease(this, take.Result, local, duration / 3, time);
    }

    private async Task<V1Lease> TakeAsync(string name, WriteScope scope, CancellationToken cancellationToken)
    {
        for (var backoff = FirstBackoff; ; backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, LastBackoff.Ticks)))
        {
            var current = await CallAsync(kubernetes.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: cancellationToken), HttpStatusCode.NotFound);
            var free = current is null || IsFree(name, current);
            var taken = current is null
                ? await CallAsync(kubernetes.CoordinationV1.CreateNamespacedLeaseAsync(Claim(Leases.New(name, scope)), @namespace, cancellationToken: cancellationToken), HttpStatusCode.Conflict)
                : free ? await CallAsync(kubernetes.CoordinationV1.ReplaceNamespacedLeaseAsync(Claim(current), name, @namespace, cancellationToken: cancellationToken), HttpStatusCode.Conflict)
                : null;
            if (taken is not null)
            {
                return taken;
            }

            metrics.LockContended(free ? "conflict" : "held");
            await Task.Delay(backoff * (0.5 + Random.Shared.NextDouble()), time, cancellationToken);   // jitter: replicas don't poll in step
        }
    }

    /// <summary>Renews <paramref name="lease"/>; null when it is no longer ours.</summary>
    public async Task<V1Lease?> RenewAsync(V1Lease lease, CancellationToken cancellationToken)
    {
        lease.Spec.RenewTime = time.GetUtcNow().UtcDateTime;
        var renewed = await CallAsync(kubernetes.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, lease.Metadata.Name, @namespace, cancellationToken: cancellationToken), HttpStatusCode.Conflict);
        // A conflict after a renewal that landed but timed out still leaves the Lease ours: carry on with its newer version.
        var current = renewed ?? await CallAsync(kubernetes.CoordinationV1.ReadNamespacedLeaseAsync(lease.Metadata.Name, @namespace, cancellationToken: cancellationToken), HttpStatusCode.NotFound);
        if (current?.Spec?.HolderIdentity != Identity)
        {
            Log.LeaseLost(logger, lease.Metadata.Name, current?.Spec?.HolderIdentity);
            return null;
        }

        return current;
    }

    /// <summary>
    /// Clears the holder, so that a waiting replica takes the Lease at once. Never throws: a Lease not released only
    /// makes the others wait for it to expire.
    /// </summary>
    public async Task ReleaseAsync(V1Lease lease)
    {
        lease.Spec.HolderIdentity = null;
        using var timeout = new CancellationTokenSource(duration, time);
        var release = kubernetes.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, lease.Metadata.Name, @namespace, cancellationToken: timeout.Token);
        await ((Task)release).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!release.IsCompletedSuccessfully)
        {
            Log.LeaseNotReleased(logger, lease.Metadata.Name, release.Exception?.InnerException);
        }
    }

    // Free when released, ours, or seen unchanged (same resourceVersion) for its whole duration.
    private bool IsFree(string name, V1Lease lease)
    {
        var holder = lease.Spec?.HolderIdentity;
        var version = lease.Metadata?.ResourceVersion;
        var seen = _seen.AddOrUpdate(name, _ => (version, holder, time.GetTimestamp()),
            (_, s) => s.Version == version ? s : (version, holder, time.GetTimestamp()));
        var silent = time.GetElapsedTime(seen.At);
        var expired = silent >= TimeSpan.FromSeconds(lease.Spec?.LeaseDurationSeconds ?? 0);
        if (expired && holder is { Length: > 0 } && holder != Identity)
        {
            Log.LeaseTakenOver(logger, name, holder, silent.TotalSeconds);
        }

        return holder is not { Length: > 0 } || holder == Identity || expired;
    }

    private V1Lease Claim(V1Lease lease) => Leases.Claim(lease, Identity, _durationSeconds, time.GetUtcNow().UtcDateTime);

    // Null when the API answers `absent` (404 for a read; 409 for a create or replace that lost the race); other failures throw.
    private async Task<V1Lease?> CallAsync(Task<V1Lease> call, HttpStatusCode absent)
    {
        await ((Task)call).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return (call.Exception?.InnerException as HttpOperationException)?.Response.StatusCode switch
        {
            { } status when status == absent => null,
            HttpStatusCode.Forbidden => throw new SolverException(
                $"the webhook may not use leases in namespace '{@namespace}' (--lease-namespace): grant its service account get, create and update on leases there"),
            _ => await call,
        };
    }
}
