namespace Webhook.Editing;

/// <summary>
/// A value loaded once and shared for <paramref name="lifetime"/>; concurrent callers share one load, and a failed
/// load is not kept. A caller that found the kept value wrong (<c>stale</c>) gets a new load, unless another caller
/// already started one.
/// </summary>
internal sealed class Cached<T>(TimeSpan lifetime, TimeProvider time)
{
    private readonly Lock _gate = new();
    private (Task<T> Value, long LoadedAt)? _current;

    public Task<T> GetAsync(Func<Task<T>> load, bool refresh = false, Func<T, bool>? stale = null)
    {
        lock (_gate)
        {
            if (refresh || _current is not { } current || current.Value.IsFaulted || current.Value.IsCanceled
                || time.GetElapsedTime(current.LoadedAt) > lifetime
                || (stale is not null && current.Value.IsCompletedSuccessfully && stale(current.Value.Result)))
            {
                current = (load(), time.GetTimestamp());
                _current = current;
            }

            return current.Value;
        }
    }
}
