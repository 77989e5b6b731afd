using System.Diagnostics;

namespace Benchmark;

/// <summary>From the Present request to every instance serving the value over DNS; and to the Present's answer.</summary>
internal sealed record PropagationResult(string Version, int Instances, string Load, Stats AllServe, Stats Answered, int Errors, string? FirstError);

/// <summary>
/// Propagation with the Issuer's <c>instances</c>: one Present at a time through the webhook while every instance is
/// asked for the name over DNS every <see cref="PollEvery"/> (as cert-manager's check and the ACME CA may ask early,
/// so a stale negative answer is cached first); alone, or while a burst of other challenges is in flight.
/// </summary>
internal static class Propagation
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(5);

    public static async Task<PropagationResult> MeasureAsync(WebhookProcess webhook, PowerDns shared, Options options, bool underBurst)
    {
        List<double> allServe = [], answered = [];
        List<string> errors = [];
        var probes = shared.Addresses.Select(a => new DnsProbe(shared.DnsPort, address: a)).ToArray();
        var samples = underBurst ? Math.Max(1, options.Samples / 10) : Math.Max(1, options.Samples / 4);
        for (var i = 0; i < samples; i++)
        {
            var (fqdn, key) = ($"_acme-challenge.pr{i}{(underBurst ? "b" : "a")}.{PowerDns.Zone}", Workloads.Key());
            var burst = underBurst ? Workloads.BurstAsync(Workloads.Webhook, webhook, shared, $"pb{i}", options.Burst) : null;
            var started = Stopwatch.GetTimestamp();
            var present = TimedAsync(webhook.SolveAsync("Present", fqdn, key, shared), started);
            var serving = await Task.WhenAll(probes.Select(p => ServesAsync(p, fqdn, key, started)));
            var (error, answerMs) = await present;
            var other = burst is null ? default : await burst;
            errors.AddRange(new[] { error, serving.Any(double.IsNaN) ? $"an instance did not serve {fqdn} within 30 s" : null,
                other.Errors + other.Lost + other.Leftover > 0 ? $"burst: {other.FirstError ?? "lost or left values"}" : null }.OfType<string>());
            allServe.Add(serving.Max());
            answered.Add(answerMs);
            errors.AddRange(await webhook.SolveAsync("CleanUp", fqdn, key, shared) is { } cleanUp ? [cleanUp] : []);
        }

        return new PropagationResult(shared.Version, probes.Length, underBurst ? $"under a burst of {options.BurstChallenges}" : "alone",
            Stats.Of(allServe), Stats.Of(answered), errors.Count, errors.FirstOrDefault());
    }

    private static async Task<(string? Error, double Ms)> TimedAsync(Task<string?> call, long started)
    {
        var error = await call;
        return (error, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // Milliseconds from the Present request to this instance's first answer holding the key; NaN after 30 s.
    private static async Task<double> ServesAsync(DnsProbe probe, string fqdn, string key, long started)
    {
        try
        {
            await Eventually.ReturnsAsync(() => probe.TxtAsync(fqdn), a => a.Values.Contains(key), TimeSpan.FromSeconds(30), every: PollEvery);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        catch (TimeoutException)
        {
            return double.NaN;
        }
    }
}
