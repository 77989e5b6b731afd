namespace Webhook.Editing;

/// <summary>
/// A value loaded once and shared for <paramref name="lifetime"/>; concurrent callers share one load, and a failed
/// load is not kept.
/// </summary>
internal sealed class Cached<T>(TimeSpan lifetime, TimeProvider time)
{
    private readonly Lock _gate = new();
    private (Task<T> Value, long LoadedAt)? _current;

    public Task<T> GetAsync(Func<Task<T>> load, bool refresh = false)
    {
        lock (_gate)
        {
            if (refresh || _current is not { } current || current.Value.IsFaulted || current.Value.IsCanceled
                || time.GetElapsedTime(current.LoadedAt) > lifetime)
            {
                current = (load(), time.GetTimestamp());
                _current = current;
            }

            return current.Value;
        }
    }
}
