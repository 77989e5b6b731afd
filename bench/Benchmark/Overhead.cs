using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// Present+CleanUp through the webhook; the same two requests to its no-op resource on the same connection (the transport
/// floor); the fewest direct PowerDNS calls for the same edit. And where the webhook's time goes: the solver's own time
/// per action (from its log) and a GET of /readyz (TLS and HTTP/2 only, no authentication).
/// </summary>
internal sealed record OverheadResult(string Version, string Direct, Stats Webhook, Stats Floor, Stats DirectStats, int Errors,
    Stats SolverPerAction, Stats Anonymous, double CpuPerSolveMs, double CpuPerNoOpMs, double CpuPerDirectMs)
{
    /// <summary>What the solver may add per action on top of the transport and PowerDNS's own time.</summary>
    public const double AllowancePerActionMs = 0.2;

    /// <summary>The target for the webhook's p50: floor + direct + the allowance for its two actions.</summary>
    public double TargetMs => Floor.P50 + DirectStats.P50 + 2 * AllowancePerActionMs;

    public bool Met => Webhook.P50 <= TargetMs && Errors == 0;
}

internal static class Overhead
{
    /// <summary>
    /// One fresh name per path and pair, the three paths alternated (who goes first rotates each pair) so all see the
    /// same machine. The first <paramref name="warmup"/> pairs are not counted.
    /// </summary>
    public static async Task<OverheadResult> MeasureAsync(WebhookProcess webhook, PowerDns pdns, bool atomic, int samples, int warmup)
    {
        List<double> viaWebhook = [], floor = [], direct = [], anonymous = [];
        var errors = new StrongBox<int>();
        var label = pdns.Version.Replace('.', '-');
        for (var i = 0; i < warmup + samples; i++)
        {
            var paths = Paths(webhook, pdns, atomic, $"{i}v{label}.{PowerDns.Zone}", errors);
            var times = new double[paths.Length];
            for (var j = 0; j < paths.Length; j++)
            {
                var path = (i + j) % paths.Length;
                times[path] = await paths[path]();
            }

            var readyz = Stopwatch.GetTimestamp();
            using (var response = await webhook.Aggregator.GetAsync(new Uri("/readyz", UriKind.Relative)))
            {
                errors.Value += response.IsSuccessStatusCode ? 0 : 1;
            }

            if (i >= warmup)
            {
                viaWebhook.Add(times[0]);
                floor.Add(times[1]);
                direct.Add(times[2]);
                anonymous.Add(Stopwatch.GetElapsedTime(readyz).TotalMilliseconds);
            }
        }

        var calls = atomic ? "PATCH EXTEND + PATCH PRUNE" : "(GET + PATCH REPLACE) x 2";
        var solver = SolverMilliseconds(webhook.Process.Output, $"v{label}.{PowerDns.Zone}", warmup);
        var cpuSolve = await CpuPerActionAsync(webhook, samples, i => Paths(webhook, pdns, atomic, $"{i}c{label}.{PowerDns.Zone}", errors)[0]());
        var cpuNoOp = await CpuPerActionAsync(webhook, samples, i => Paths(webhook, pdns, atomic, $"{i}c{label}.{PowerDns.Zone}", errors)[1]());
        // The direct calls' client is this process: what the same PowerDNS calls cost a client that only makes them.
        var cpuDirect = await CpuPerActionAsync(Environment.ProcessId, samples, i => Paths(webhook, pdns, atomic, $"{i}c{label}.{PowerDns.Zone}", errors)[2]());
        return new OverheadResult(pdns.Version, calls, Stats.Of(viaWebhook), Stats.Of(floor), Stats.Of(direct), errors.Value, Stats.Of(solver), Stats.Of(anonymous),
            cpuSolve, cpuNoOp, cpuDirect);
    }

    // The webhook's own CPU time per action (every thread: request, solve, PowerDNS client, logging, GC, JIT), over
    // <paramref name="pairs"/> Present+CleanUp pairs sent one after another: what the machine pays besides waiting.
    private static Task<double> CpuPerActionAsync(WebhookProcess webhook, int pairs, Func<int, Task<double>> pair) =>
        CpuPerActionAsync(webhook.Process.Id, pairs, pair);

    private static async Task<double> CpuPerActionAsync(int pid, int pairs, Func<int, Task<double>> pair)
    {
        var before = CpuMilliseconds(pid);
        for (var i = 0; i < pairs; i++)
        {
            await pair(i);
        }

        return (CpuMilliseconds(pid) - before) / (2 * pairs);
    }

    // utime + stime of /proc/PID/stat: the process's threads, ended ones included, in clock ticks (100 a second), which
    // the kernel derives from its nanosecond count: exact enough over a few hundred pairs.
    private static double CpuMilliseconds(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    // The webhook, its floor and the direct calls, each a Present+CleanUp of its own fresh name. The names have one
    // length, so the webhook and the floor carry bodies of one size.
    private static Func<Task<double>>[] Paths(WebhookProcess webhook, PowerDns pdns, bool atomic, string suffix, StrongBox<int> errors)
    {
        var (key, w, f, d) = (Workloads.Key(), $"_acme-challenge.ovw{suffix}", $"_acme-challenge.ovf{suffix}", $"_acme-challenge.ovd{suffix}");
        async Task<double> TimeAsync(Func<Task<string?>> first, Func<Task<string?>> second)
        {
            var started = Stopwatch.GetTimestamp();
            errors.Value += await first() is null ? 0 : 1;
            errors.Value += await second() is null ? 0 : 1;
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return
        [
            () => TimeAsync(() => webhook.SolveAsync("Present", w, key, pdns), () => webhook.SolveAsync("CleanUp", w, key, pdns)),
            () => TimeAsync(() => webhook.NoOpAsync("Present", f, key, pdns), () => webhook.NoOpAsync("CleanUp", f, key, pdns)),
            () => atomic
                ? TimeAsync(() => DirectCalls.PatchAsync(pdns, [new(d, "EXTEND", [key])]), () => DirectCalls.PatchAsync(pdns, [new(d, "PRUNE", [key])]))
                : TimeAsync(() => DirectCalls.ReadModifyWriteAsync(pdns, "Present", d, key), () => DirectCalls.ReadModifyWriteAsync(pdns, "CleanUp", d, key)),
        ];
    }

    // The solver's own duration of each counted action, from its JSON log line ("... done with {Strategy} in {ElapsedMs} ms").
    private static List<double> SolverMilliseconds(string log, string suffix, int warmup) => [.. log.Split('\n')
        .Where(l => l.StartsWith('{') && l.Contains("done with", StringComparison.Ordinal))
        .Select(l => JsonNode.Parse(l)?["State"])
        .Where(state => state?["Fqdn"]?.ToString() is { } fqdn && fqdn.StartsWith("_acme-challenge.ovw", StringComparison.Ordinal) && fqdn.EndsWith(suffix, StringComparison.Ordinal)
            && int.Parse(fqdn["_acme-challenge.ovw".Length..^suffix.Length], CultureInfo.InvariantCulture) >= warmup)
        .Select(state => double.Parse(state?["ElapsedMs"]?.ToString() ?? "NaN", CultureInfo.InvariantCulture))];
}
