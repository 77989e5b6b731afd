using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// Round trips through the webhook and direct; and where the webhook's time goes: the solver's own time per action (from
/// its log), a GET of /readyz (TLS and HTTP/2 only) and of the API discovery document (plus front-proxy authentication).
/// </summary>
internal sealed record OverheadResult(string Version, string Direct, Stats Webhook, Stats DirectStats, int Errors,
    Stats SolverPerAction, Stats Anonymous, Stats Authenticated)
{
    public double Ratio => Webhook.P50 / DirectStats.P50;
}

internal sealed record BurstResult(string Version, string Contender, IReadOnlyList<double> PresentMs, IReadOnlyList<double> CleanUpMs,
    int Challenges, int Errors, int Lost, int Leftover, string? FirstError)
{
    public double TotalMs => Stats.Median(PresentMs.Zip(CleanUpMs, (p, c) => p + c));
}

internal static class Workloads
{
    public const string Webhook = "webhook";
    public const string Naive = "naive read-modify-write";
    public const string Batched = "one batched PATCH";

    /// <summary>
    /// Present+CleanUp of one fresh name through the webhook, and the same edit as the fewest direct calls, alternated
    /// (and their order swapped each pair) so both see the same machine. The first <paramref name="warmup"/> pairs are not counted.
    /// </summary>
    public static async Task<OverheadResult> OverheadAsync(WebhookProcess webhook, PowerDns pdns, bool atomic, int samples, int warmup)
    {
        List<double> viaWebhook = [], direct = [], anonymous = [], authenticated = [];
        var errors = 0;
        var label = pdns.Version.Replace('.', '-');
        async Task<double> GetAsync(string path)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await webhook.Aggregator.GetAsync(new Uri(path, UriKind.Relative));
            errors += response.IsSuccessStatusCode ? 0 : 1;
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        for (var i = 0; i < warmup + samples; i++)
        {
            var key = Key();
            async Task<double> ViaWebhookAsync()
            {
                var fqdn = $"_acme-challenge.ovw{i}v{label}.{PowerDns.Zone}";
                var started = Stopwatch.GetTimestamp();
                errors += await webhook.SolveAsync("Present", fqdn, key, pdns) is null ? 0 : 1;
                errors += await webhook.SolveAsync("CleanUp", fqdn, key, pdns) is null ? 0 : 1;
                return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            async Task<double> DirectAsync()
            {
                var fqdn = $"_acme-challenge.ovd{i}v{label}.{PowerDns.Zone}";
                var started = Stopwatch.GetTimestamp();
                errors += (atomic
                    ? await DirectCalls.PatchAsync(pdns, [new(fqdn, "EXTEND", [key])])
                    : await DirectCalls.ReadModifyWriteAsync(pdns, "Present", fqdn, key)) is null ? 0 : 1;
                errors += (atomic
                    ? await DirectCalls.PatchAsync(pdns, [new(fqdn, "PRUNE", [key])])
                    : await DirectCalls.ReadModifyWriteAsync(pdns, "CleanUp", fqdn, key)) is null ? 0 : 1;
                return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            double w, d;
            if (i % 2 == 0)
            {
                w = await ViaWebhookAsync();
                d = await DirectAsync();
            }
            else
            {
                d = await DirectAsync();
                w = await ViaWebhookAsync();
            }

            var (a, b) = (await GetAsync("/readyz"), await GetAsync($"/apis/{Benchmark.Webhook.Group}/v1alpha1"));
            if (i >= warmup)
            {
                viaWebhook.Add(w);
                direct.Add(d);
                anonymous.Add(a);
                authenticated.Add(b);
            }
        }

        var calls = atomic ? "PATCH EXTEND + PATCH PRUNE" : "(GET + PATCH REPLACE) x 2";
        var solver = SolverMilliseconds(webhook.Process.Output, $"v{label}.{PowerDns.Zone}", warmup);
        return new OverheadResult(pdns.Version, calls, Stats.Of(viaWebhook), Stats.Of(direct), errors, Stats.Of(solver), Stats.Of(anonymous), Stats.Of(authenticated));
    }

    // The solver's own duration of each counted action, from its JSON log line ("... done with {Strategy} in {ElapsedMs} ms").
    private static List<double> SolverMilliseconds(string log, string suffix, int warmup) => [.. log.Split('\n')
        .Where(l => l.StartsWith('{') && l.Contains("done with", StringComparison.Ordinal))
        .Select(l => JsonNode.Parse(l)?["State"])
        .Where(state => state?["Fqdn"]?.ToString() is { } fqdn && fqdn.StartsWith("_acme-challenge.ovw", StringComparison.Ordinal) && fqdn.EndsWith(suffix, StringComparison.Ordinal)
            && int.Parse(fqdn["_acme-challenge.ovw".Length..^suffix.Length], CultureInfo.InvariantCulture) >= warmup)
        .Select(state => double.Parse(state?["ElapsedMs"]?.ToString() ?? "NaN", CultureInfo.InvariantCulture))];

    /// <summary>
    /// cert-manager's burst: 60 challenges for distinct names in one zone plus 20 for one name (apex and wildcard
    /// of many certificates), all in flight at once; then all their CleanUps at once. Lost values are Presents acknowledged
    /// as done whose value PowerDNS does not hold afterwards (or never got); leftovers are values still there after CleanUp.
    /// </summary>
    public static async Task<(double PresentMs, double CleanUpMs, int Errors, int Lost, int Leftover, string? FirstError)> BurstAsync(
        string contender, WebhookProcess? webhook, PowerDns pdns, string label)
    {
        var challenges = Enumerable.Range(0, 60).Select(i => (Fqdn: $"_acme-challenge.{label}-n{i}.{PowerDns.Zone}", Key: Key()))
            .Concat(Enumerable.Range(0, 20).Select(_ => (Fqdn: $"_acme-challenge.{label}-shared.{PowerDns.Zone}", Key: Key()))).ToArray();

        async Task<(double Ms, string?[] Errors)> PhaseAsync(string action)
        {
            if (contender == Batched)
            {
                var edits = challenges.GroupBy(c => c.Fqdn)
                    .Select(g => new DirectCalls.Edit(g.Key, "REPLACE", action == "Present" ? [.. g.Select(c => c.Key)] : []));
                var started = Stopwatch.GetTimestamp();
                var error = await DirectCalls.PatchAsync(pdns, edits);
                return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, [.. challenges.Select(_ => error)]);
            }

            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var calls = challenges.Select(c => Task.Run(async () =>
            {
                await gate.Task;
                return contender == Webhook && webhook is not null
                    ? await webhook.SolveAsync(action, c.Fqdn, c.Key, pdns)
                    : await DirectCalls.ReadModifyWriteAsync(pdns, action, c.Fqdn, c.Key);
            })).ToArray();
            var begun = Stopwatch.GetTimestamp();
            gate.SetResult();
            var errors = await Task.WhenAll(calls);
            return (Stopwatch.GetElapsedTime(begun).TotalMilliseconds, errors);
        }

        var present = await PhaseAsync("Present");
        var held = await pdns.TxtRecordsAsync();
        var lost = challenges.Where((c, i) => present.Errors[i] is null).Count(c => !(held.TryGetValue(c.Fqdn, out var v) && v.Contains(c.Key)));
        var cleanUp = await PhaseAsync("CleanUp");
        held = await pdns.TxtRecordsAsync();
        var leftover = challenges.Count(c => held.TryGetValue(c.Fqdn, out var v) && v.Contains(c.Key));
        var errors = present.Errors.Concat(cleanUp.Errors).Where(e => e is not null).ToArray();
        return (present.Ms, cleanUp.Ms, errors.Length, lost, leftover, errors.FirstOrDefault());
    }

    /// <summary>A value shaped like an ACME DNS-01 key: 32 random bytes as unpadded base64url (43 characters).</summary>
    public static string Key() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
