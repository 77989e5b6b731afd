namespace TestSupport;

/// <summary>Polls a condition under a deadline: the only way tests wait. The pause is the poll interval, never the synchronisation.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, Func<string>? describe = null,
        TimeSpan? every = null)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (true)
        {
            var attempt = probe();
            await ((Task)attempt).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (attempt.IsCompletedSuccessfully && done(attempt.Result))
            {
                return attempt.Result;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                var last = attempt.IsCompletedSuccessfully ? $"last result: {attempt.Result}" : $"last error: {attempt.Exception?.InnerException?.Message}";
                throw new TimeoutException($"not done within {within.TotalSeconds} s; {last}\n{describe?.Invoke()}");
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }
    }
}
