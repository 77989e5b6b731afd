using System.Diagnostics;
using System.Text;

namespace Benchmark;

/// <summary>A process started by the benchmark, its output kept for error messages; stopped by its own handle, never by name.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public ChildProcess(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        Started = Stopwatch.GetTimestamp();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Stopwatch timestamp taken just before the process was started.</summary>
    public long Started { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Tail => Output.Length > 3000 ? Output[^3000..] : Output;

    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Resident memory from /proc: VmRSS, and the private part (anonymous + shared-memory pages, not file-backed code).</summary>
    public (double RssMb, double PrivateMb) Memory()
    {
        string[] wanted = ["VmRSS", "RssAnon", "RssShmem"];
        var fields = File.ReadLines($"/proc/{Id}/status").Select(l => l.Split(':', 2)).Where(f => f.Length == 2 && wanted.Contains(f[0]))
            .ToDictionary(f => f[0], f => double.Parse(f[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024);
        return (fields["VmRSS"], fields["RssAnon"] + fields["RssShmem"]);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
