namespace Webhook;

internal static class ExitCode
{
    /// <summary>
    /// Runs until stopped. A start that fails (a file that cannot be read, a value the options reject) ends in one line
    /// on stderr and exit code 1 rather than an unhandled exception's dump and 134: the host has already logged the
    /// exception with its stack trace.
    /// </summary>
    public static async Task<int> RunToExitCodeAsync(this WebApplication app)
    {
        var started = app.Lifetime.ApplicationStarted;   // read now: RunAsync disposes the services it comes from
        var run = app.RunAsync();
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // inspect the failure below
        if (run.Exception?.InnerException is not { } failed)
        {
            return 0;
        }

        var when = started.IsCancellationRequested ? "stopped" : "could not start";
        await Console.Error.WriteLineAsync($"pdns-webhook: {when}: {failed.Message}");
        return 1;
    }
}
