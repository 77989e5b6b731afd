using Webhook.Challenges;
using Webhook.Freshness;
using Webhook.Observability;

namespace Webhook.Editing;

/// <summary>
/// Group commit into one zone: while one batch is being written, new edits queue, and the next write carries all of
/// them (PowerDNS with SQLite charges about the same for one RRSet as for a thousand, and fails concurrent writers
/// with "database is locked"). Each write holds the editor's <see cref="WriteScope"/>; edits arriving while it waits
/// for it join the batch. Edits of the same value keep their order across batches. After a write, the written names are
/// flushed from the caches of the PowerDNS instances their callers named, once per batch and instance, outside the lock.
/// A write from idle waits briefly for the solves still being read (<see cref="PendingSolves"/>), so a burst is one write.
/// </summary>
internal sealed class BatchingWriter(ZoneEditor editor, IWriteLock writeLock, PendingSolves pending, PowerDnsInstances instances, WebhookMetrics metrics, TimeProvider time)
{
    private const int MaxBatch = 500;
    private readonly Lock _gate = new();
    private readonly List<Queued> _queue = [];
    private bool _flushing;

    /// <summary>Queues <paramref name="edit"/>, after which <paramref name="solve"/> no longer counts as pending.</summary>
    public Task ApplyAsync(TxtEdit edit, IReadOnlyList<Instance> flushOn, PendingSolves.Solve solve, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _queue.Add(new(edit, flushOn, done, time.GetTimestamp()));
            start = !_flushing;
            _flushing = true;
        }

        solve.Dispose();
        if (start)
        {
            // On this thread until the first write is on the wire, unless it waits for company first (CompanyAsync);
            // edits arriving meanwhile queue.
            _ = FlushAsync();
        }

        // A caller that gives up leaves its edit queued: it is idempotent, and cert-manager will call again anyway.
        return done.Task.WaitAsync(cancellationToken);
    }

    // Only a write from idle waits for company: one that follows another takes what queued meanwhile at once, so
    // PowerDNS is never left idle while thousands of challenges keep some solve pending.
    private async Task FlushAsync()
    {
        var fromIdle = true;
        while (await WriteNextBatchAsync(fromIdle))
        {
            fromIdle = false;
        }
    }

    // False once the queue is empty. A write that fails (PowerDNS) fails exactly this batch's waiters; a lock not had in
    // time fails the edits that waited for it all along. Edits queued after them get a write of their own. Every
    // failure says why in words: a bare cancellation would reach the Challenge as "A task was canceled."
    private async Task<bool> WriteNextBatchAsync(bool fromIdle)
    {
        using var deadline = new CancellationTokenSource(ChallengeSolver.Deadline, time);
        var waitStarted = time.GetTimestamp();
        if (fromIdle)
        {
            await CompanyAsync();
        }

        var held = writeLock.AcquireAsync(editor.Scope, deadline.Token).AsTask();
        await ((Task)held).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!held.IsCompletedSuccessfully)
        {
            return FailWaitedSince(waitStarted, held.Exception?.InnerExceptions ?? [new SolverException(
                $"gave up after {time.GetElapsedTime(waitStarted).TotalSeconds:0.0} s waiting for this process's write lock on {editor.Scope}: "
                + "earlier writes to the same PowerDNS server held it")]);
        }

        var batch = TakeBatch();
        var write = batch.Count > 0 ? WriteAsync(batch, deadline.Token) : Task.CompletedTask;
        await write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // hand the outcome to every waiter below
        await held.Result.DisposeAsync();
        if (write.IsCompletedSuccessfully)
        {
            var flushes = batch.SelectMany(b => b.FlushOn.Select(instance => (instance, b.Edit.Name)));
            await instances.FlushAsync(flushes, editor.ZoneName, EditStrategies.PurgeRaces(editor.Strategy), deadline.Token);
        }

        foreach (var (_, _, done, _) in batch)
        {
            _ = write.Exception is { } failure ? done.TrySetException(failure.InnerExceptions)
                : write.IsCanceled ? done.TrySetException(new SolverException(
                    $"the write to PowerDNS did not finish within {ChallengeSolver.Deadline.TotalSeconds:0} s (the change may still apply; retrying is safe)"))
                : done.TrySetResult();
        }

        return batch.Count > 0;
    }

    // Requests taken off the connection but not run yet have not counted themselves as pending: behind them first.
    // Both steps cost nothing for a lone challenge, which finds no work waiting and no solve pending.
    private async Task CompanyAsync()
    {
        if (ThreadPool.PendingWorkItemCount > 0)
        {
            await Task.Yield();
        }

        bool full;
        lock (_gate)
        {
            full = _queue.Count >= MaxBatch;
        }

        if (!full)
        {
            await pending.NoneAsync();
        }
    }

    private Task WriteAsync(List<Queued> batch, CancellationToken cancellationToken)
    {
        metrics.Batch(editor.Strategy, batch.Count);
        return editor.WriteAsync([.. batch.Select(b => b.Edit)], cancellationToken);
    }

    // At most one edit per (name, value) in a batch, so a Present and a CleanUp of one value apply in arrival order.
    private List<Queued> TakeBatch()
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

    private sealed record Queued(TxtEdit Edit, IReadOnlyList<Instance> FlushOn, TaskCompletionSource Done, long QueuedAt);
}
