using PowerDnsClient;
using Webhook.Observability;

namespace Webhook.Challenges;

/// <summary>
/// Writes TXT edits into one zone with group commit: while one PATCH is in flight, new edits queue, and the next PATCH
/// carries all of them (PowerDNS with SQLite charges about the same for one RRSet as for a thousand, and fails
/// concurrent writers with "database is locked"). Edits of the same value keep their order across batches.
/// </summary>
internal sealed class ZoneWriter(IPowerDnsApi api, string serverId, Zone zone, EditStrategy strategy, SemaphoreSlim serverLock, WebhookMetrics metrics, TimeProvider time)
{
    private const int MaxBatch = 500;
    private readonly Lock _gate = new();
    private readonly List<(TxtEdit Edit, TaskCompletionSource Done)> _queue = [];
    private bool _flushing;

    public Task ApplyAsync(TxtEdit edit, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _queue.Add((edit, done));
            start = !_flushing;
            _flushing = true;
        }

        if (start)
        {
            // On this thread until the first write is on the wire (no thread-pool hop); edits arriving meanwhile queue.
            _ = FlushAsync();
        }

        // A caller that gives up leaves its edit queued: it is idempotent, and cert-manager will call again anyway.
        return done.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushAsync()
    {
        // SQLite locks the whole database, so read-modify-write is serialised per server, not per zone; edits that
        // arrive while this writer waits for the lock join its batch.
        var exclusive = strategy is EditStrategy.Replace;
        while (true)
        {
            if (exclusive)
            {
                await serverLock.WaitAsync();
            }

            var batch = TakeBatch();
            var write = batch.Count > 0 ? WriteAsync([.. batch.Select(b => b.Edit)]) : Task.CompletedTask;
            await write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // hand the outcome to every waiter below
            if (exclusive)
            {
                serverLock.Release();
            }

            if (batch.Count == 0)
            {
                return;
            }

            foreach (var (_, done) in batch)
            {
                _ = write.Exception is { } failure ? done.TrySetException(failure.InnerExceptions)
                    : write.IsCanceled ? done.TrySetCanceled()
                    : done.TrySetResult();
            }
        }
    }

    // At most one edit per (name, value) in a batch, so a Present and a CleanUp of one value apply in arrival order.
    private List<(TxtEdit Edit, TaskCompletionSource Done)> TakeBatch()
    {
        lock (_gate)
        {
            var seen = new HashSet<(string, string)>();
            var batch = _queue.Where(q => seen.Count < MaxBatch && seen.Add((q.Edit.Name, q.Edit.Value))).ToList();
            var taken = batch.Select(b => b.Done).ToHashSet();
            _queue.RemoveAll(q => taken.Contains(q.Done));
            _flushing = batch.Count > 0;
            return batch;
        }
    }

    private async Task WriteAsync(IReadOnlyList<TxtEdit> edits)
    {
        metrics.Batch(strategy, edits.Count);
        using var deadline = new CancellationTokenSource(ChallengeSolver.Deadline, time);
        var cancellationToken = deadline.Token;
        var changed = strategy is EditStrategy.Atomic
            ? await PatchAtomicAsync(edits, cancellationToken)
            : await ReplaceAsync(edits, cancellationToken);
        if (changed && zone.Kind is "Master" or "Primary")
        {
            await api.NotifyAsync(serverId, zone.Id, cancellationToken);
        }
    }

    private async Task<bool> PatchAtomicAsync(IReadOnlyList<TxtEdit> edits, CancellationToken cancellationToken)
    {
        await api.PatchZoneAsync(serverId, zone.Id, new ZonePatch([.. edits.Select(TxtRecords.Atomic)]), cancellationToken);
        return true;
    }

    // Read-modify-write for servers without EXTEND/PRUNE (FlushAsync holds the server lock): one read (the RRSet, or the
    // whole tiny zone for a batch of names), one PATCH, one cache flush of the zone, which closes the race of servers
    // before 4.9.12 that can serve the old answer for a whole TTL.
    private async Task<bool> ReplaceAsync(IReadOnlyList<TxtEdit> edits, CancellationToken cancellationToken)
    {
        var byName = edits.GroupBy(e => e.Name).ToList();
        var current = byName.Count == 1
            ? await api.GetRRSetAsync(serverId, zone.Id, byName[0].Key, TxtRecords.Type, cancellationToken)
            : await api.GetZoneAsync(serverId, zone.Id, cancellationToken);
        var changes = new List<RRSet>();
        foreach (var name in byName)
        {
            var records = current.RRSets.FirstOrDefault(r => r.Type == TxtRecords.Type && string.Equals(r.Name, name.Key, StringComparison.OrdinalIgnoreCase))?.Records ?? [];
            var next = TxtRecords.Apply(records, name);
            if (!next.SequenceEqual(records))
            {
                changes.Add(TxtRecords.Replace(name.Key, name.Last().Ttl, next));
            }
        }

        if (changes.Count == 0)
        {
            return false;
        }

        await api.PatchZoneAsync(serverId, zone.Id, new ZonePatch(changes), cancellationToken);
        await api.FlushCacheAsync(serverId, zone.Name, cancellationToken);
        return true;
    }
}
