namespace Webhook.Editing;

/// <summary>
/// Held around each batch write, so that at most one PATCH per <see cref="WriteScope"/> is in flight. PowerDNS's PATCH
/// reads before it writes, even for EXTEND/PRUNE (docs/powerdns.md), so two in flight on one RRSet can lose values on
/// SQL backends. <see cref="InProcessWriteLock"/> covers one process; a lock shared by replicas is one more implementation.
/// </summary>
internal interface IWriteLock
{
    /// <summary>Waits until <paramref name="scope"/> is ours; disposing the answer releases it.</summary>
    ValueTask<IAsyncDisposable> AcquireAsync(WriteScope scope, CancellationToken cancellationToken);
}
