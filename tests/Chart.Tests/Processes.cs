namespace Chart.Tests;

/// <summary>Short-lived programs (the renderer, helm, apt, pdns_control), run to their end under a deadline.</summary>
public static class Processes
{
    /// <summary>Runs a program to its end: its exit code, stdout and stderr.</summary>
    public static async Task<(int Code, string Output, string Errors)> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan within)
    {
        var start = new System.Diagnostics.ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within {within.TotalSeconds} s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
