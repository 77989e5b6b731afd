namespace TestSupport;

/// <summary>How a program run to its end by <see cref="ChildProcess.RunAsync"/> ended, and what it printed.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}
