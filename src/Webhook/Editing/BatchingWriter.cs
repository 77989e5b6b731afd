using Webhook.Challenges;
using Webhook.Freshness;
using Webhook.Observability;

namespace Webhook.Editing;

/// <summary>
/// Group commit into one PowerDNS server (one <see cref="WriteScope"/>): while a write is in progress, new edits queue,
/// and the next write into their zone carries all of them (PowerDNS charges about the same for one RRSet as for a
/// thousand). Each hold of the write lock writes every zone with queued edits, one PATCH per zone, oldest first, so
/// edits spread over many zones pay for the lock (a Lease: three Kubernetes API calls) once, not once per zone. A hold
/// stops taking zones after <see cref="HoldBudget"/>, so that other replicas waiting for the Lease get their turn. Edits
/// of the same value keep their order across batches. After each zone's write, its names are flushed from the caches of
/// the PowerDNS instances their callers named, once per batch and instance, beside the next zone's write.
/// </summary>
internal sealed class BatchingWriter(WriteScope scope, IWriteLock writeLock, PowerDnsInstances instances, WebhookMetrics metrics, TimeProvider time)
{
    private const int MaxBatch = 500;

    /// <summary>
    /// How long one hold keeps taking zones. At about 130 ms a PATCH on PostgreSQL (docs/powerdns.md) that is some 40
    /// zones; then the Lease is released, and another replica's writer polling for it (every 0.4 s at most) can take it.
    /// </summary>
    internal static readonly TimeSpan HoldBudget = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly List<Queued> _queue = [];
    private bool _flushing;

    public Task ApplyAsync(ZoneEditor editor, TxtEdit edit, IReadOnlyList<Instance> flushOn, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _queue.Add(new(editor, edit, flushOn, done, time.GetTimestamp()));
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
        while (await HoldAndWriteAsync())
        {
        }
    }

    // False once the queue is empty. A write that fails (PowerDNS) fails exactly its zone's batch; a lock not had in
    // time fails the edits that waited for it all along. Edits queued after them get a write of their own. Every
    // failure says why in words: a bare cancellation would reach the Challenge as "A task was canceled."
    private async Task<bool> HoldAndWriteAsync()
    {
        using var deadline = new CancellationTokenSource(ChallengeSolver.Deadline, time);
        var waitStarted = time.GetTimestamp();
        var held = writeLock.AcquireAsync(scope, deadline.Token).AsTask();
        await ((Task)held).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!held.IsCompletedSuccessfully)
        {
            return FailWaitedSince(waitStarted, held.Exception?.InnerExceptions ?? [new SolverException(
                $"gave up after {time.GetElapsedTime(waitStarted).TotalSeconds:0.0} s waiting for this process's write lock on {scope}: "
                + "earlier writes to the same PowerDNS server held it")]);
        }

        var holdStarted = time.GetTimestamp();
        var more = true;
        while (more && time.GetElapsedTime(holdStarted) < HoldBudget)
        {
            var batch = TakeBatch();
            more = batch.Count > 0;
            if (more)
            {
                var write = WriteAsync(batch, deadline.Token);
                await write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // hand the outcome to every waiter
                _ = CompleteAsync(batch, write);
            }
        }

        await held.Result.DisposeAsync();
        return more && StillQueued();
    }

    // After a hold that ran out of time: whether to take the lock again, or end this flusher (nothing left to write).
    private bool StillQueued()
    {
        lock (_gate)
        {
            return _flushing = _queue.Count > 0;
        }
    }

    private Task WriteAsync(List<Queued> batch, CancellationToken cancellationToken)
    {
        var editor = batch[0].Editor;
        metrics.Batch(editor.Strategy, batch.Count);
        return editor.WriteAsync([.. batch.Select(b => b.Edit)], cancellationToken);
    }

    // The flush has a time limit of its own; it needs no lock, so it runs beside the next zone's write.
    private async Task CompleteAsync(List<Queued> batch, Task write)
    {
        if (write.IsCompletedSuccessfully)
        {
            await instances.FlushAsync(batch.SelectMany(b => b.FlushOn.Select(instance => (instance, b.Edit.Name))), batch[0].Editor.ZoneName, CancellationToken.None);
        }

        foreach (var queued in batch)
        {
            _ = write.Exception is { } failure ? queued.Done.TrySetException(failure.InnerExceptions)
                : write.IsCanceled ? queued.Done.TrySetException(new SolverException(
                    $"the write to PowerDNS did not finish within {ChallengeSolver.Deadline.TotalSeconds:0} s (the change may still apply; retrying is safe)"))
                : queued.Done.TrySetResult();
        }
    }

    // The zone of the oldest queued edit, with at most one edit per (name, value), so a Present and a CleanUp of one
    // value apply in arrival order. Empty once the queue is, which ends this flusher.
    private List<Queued> TakeBatch()
    {
        lock (_gate)
        {
            var zone = _queue.FirstOrDefault()?.Editor.ZoneId;
            var seen = new HashSet<(string, string)>();
            var batch = _queue.Where(q => q.Editor.ZoneId == zone && seen.Count < MaxBatch && seen.Add((q.Edit.Name, q.Edit.Value))).ToList();
            var taken = batch.Select(b => b.Done).ToHashSet();
            _queue.RemoveAll(q => taken.Contains(q.Done));
            _flushing = batch.Count > 0;
            return batch;
        }
    }

    // The lock was not had in time: the edits that waited for it all along fail with why; those queued meanwhile wait
    // anew, under a deadline of their own, instead of failing before theirs.
    private bool FailWaitedSince(long waitStarted, IEnumerable<Exception> reasons)
    {
        List<Queued> waited;
        bool more;
        lock (_gate)
        {
            waited = _queue.Where(q => q.QueuedAt <= waitStarted).ToList();
            _queue.RemoveAll(q => q.QueuedAt <= waitStarted);
            _flushing = more = _queue.Count > 0;
        }

        foreach (var queued in waited)
        {
            queued.Done.TrySetException(reasons);
        }

        return more;
    }

    private sealed record Queued(ZoneEditor Editor, TxtEdit Edit, IReadOnlyList<Instance> FlushOn, TaskCompletionSource Done, long QueuedAt);
}
