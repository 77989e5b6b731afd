using System.Diagnostics;

namespace Benchmark;

internal static class Poll
{
    /// <summary>Polls <paramref name="probe"/> every <paramref name="interval"/> until it answers true, failing at the deadline or when the process has exited.</summary>
    public static async Task UntilAsync(string what, ChildProcess process, TimeSpan within, TimeSpan interval, Func<Task<bool>> probe)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                if (await probe())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (process.HasExited || Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException($"{what}: not ready within {within.TotalSeconds} s (exited: {process.HasExited})\n{Tail(process.Output)}");
            }

            await Task.Delay(interval);
        }
    }

    private static string Tail(string output) => output.Length > 3000 ? output[^3000..] : output;
}
