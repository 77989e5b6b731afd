using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Webhook.CertManager;
using Webhook.Challenges;
using Webhook.Issuers;
using Webhook.Secrets;

namespace Webhook.Hook;

/// <summary>
/// The executable as a DNS-01 hook for ACME clients outside Kubernetes (lego, dehydrated, certbot), on the same solver
/// core. Settings come from <c>--name value</c> flags after the hook's own arguments, else from PDNS_WEBHOOK_* variables:
/// config (the Issuer config as JSON, or a file holding it), secrets-dir and namespace (where apiKeySecretRef is read), log-level,
/// allowed-hosts (where 'host' may point, as the server's --allowed-hosts; any host when unset), or via (a running webhook server's URL) with client-cert, client-key, ca-file, user and group-name.
/// </summary>
internal static class HookMode
{
    public static async Task<int> RunAsync(IReadOnlyList<HookCall> calls, string[] args)
    {
        // The command line's one boundary: whatever fails becomes a message and exit code 1.
        var run = Task.Run(() => RunAsync(calls, Settings(args)));
        await ((Task)run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!run.IsCompletedSuccessfully)
        {
            await Console.Error.WriteLineAsync($"pdns-webhook: {run.Exception?.InnerException?.Message}");
            return 1;
        }

        foreach (var (call, message) in run.Result)
        {
            // Success on stdout: certbot reports anything on stderr as the hook's "error output".
            await (message is null ? Console.Out : Console.Error).WriteLineAsync($"pdns-webhook: {call.Action} of TXT at {call.Fqdn}: {message ?? "done"}");
        }

        return run.Result.All(r => r.Message is null) ? 0 : 1;
    }

    // --name value pairs after the hook's own arguments, each given once; else PDNS_WEBHOOK_NAME.
    private static Func<string, string?> Settings(string[] args)
    {
        var pairs = args.SkipWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Chunk(2).ToList();
        if (pairs.FirstOrDefault(p => p.Length != 2 || !p[0].StartsWith("--", StringComparison.Ordinal)) is { } bad)
        {
            throw new InvalidOperationException($"settings are --name value pairs after the hook's arguments; '{bad[0]}' {(bad.Length == 2 ? "is not a --name" : "has no value")}");
        }

        var flags = pairs.GroupBy(p => p[0][2..]).ToDictionary(g => g.Key, g => g.Count() == 1 ? g.Single()[1]
            : throw new InvalidOperationException($"--{g.Key} is given {g.Count()} times; give it once"));
        return name => flags.TryGetValue(name, out var value) ? value
            : Environment.GetEnvironmentVariable("PDNS_WEBHOOK_" + name.ToUpperInvariant().Replace('-', '_'));
    }

    private static async Task<IReadOnlyList<(HookCall Call, string? Message)>> RunAsync(IReadOnlyList<HookCall> calls, Func<string, string?> setting)
    {
        var config = setting("config") is { } text
            ? JsonDocument.Parse(text.TrimStart().StartsWith('{') ? text : await File.ReadAllTextAsync(text)).RootElement
            : throw new InvalidOperationException("no Issuer config: set PDNS_WEBHOOK_CONFIG (JSON, or a file holding it) or pass --config");
        var requests = calls.Select(call => new ChallengeRequest
        {
            Action = call.Action, Type = "dns-01", DnsName = call.Domain, Key = call.Value, ResolvedFqdn = call.Fqdn,
            ResourceNamespace = setting("namespace") ?? "default", Config = config,
        }).ToList();
        var responses = setting("via") is { } via
            ? await Task.WhenAll(requests.Select(r => ViaServerAsync(new Uri(via), r, setting)))
            : await DirectAsync(requests, setting("secrets-dir") ?? throw new InvalidOperationException(
                "no API key source: set PDNS_WEBHOOK_SECRETS_DIR (files <dir>/<namespace>/<secret name>/<key>) or pass --via"),
                HostAllowList.Parse(setting("allowed-hosts")), LogLevelOf(setting("log-level")));
        return [.. calls.Zip(responses, (call, response) => (call, response.Success ? null : response.Status?.Message ?? "failed"))];
    }

    // The one line per call above is what a hook's user reads; the solver's own log is there for debugging.
    private static LogLevel LogLevelOf(string? name) => name is null ? LogLevel.None
        : Enum.TryParse<LogLevel>(name, ignoreCase: true, out var level) && Enum.IsDefined(level) ? level
        : throw new InvalidOperationException($"log-level '{name}' is not one of {string.Join(", ", Enum.GetNames<LogLevel>())}");

    private static async Task<ChallengeResponse[]> DirectAsync(IReadOnlyList<ChallengeRequest> requests, string secretsDir, HostAllowList allowedHosts, LogLevel logLevel)
    {
        await using var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(logLevel)
                .AddSimpleConsole(o => o.SingleLine = true).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddSingleton(allowedHosts)
            .AddChallengeSolver()
            .AddSingleton<ISecretSource>(new FileSecretSource(secretsDir))
            .BuildServiceProvider();
        var solver = services.GetRequiredService<ChallengeSolver>();
        var pending = services.GetRequiredService<PendingSolves>();
        var solves = requests.Select(_ => pending.Enter()).ToList();   // all pending before the first is written: one PATCH
        return await Task.WhenAll(requests.Zip(solves, (request, solve) => solver.SolveAsync(request, solve, CancellationToken.None)));
    }

    // Stands in for cert-manager and kube-apiserver: the exact ChallengePayload, over TLS, with a front-proxy certificate.
    private static async Task<ChallengeResponse> ViaServerAsync(Uri server, ChallengeRequest request, Func<string, string?> setting)
    {
        using var handler = new SocketsHttpHandler();
        if (setting("client-cert") is { } cert)
        {
            var certificate = X509Certificate2.CreateFromPemFile(cert, setting("client-key"));
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        if (setting("ca-file") is { } caFile)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, served, _, errors) =>
                (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && served is X509Certificate2 leaf && Trusted(leaf, roots);
        }

        using var http = new HttpClient(handler);
        http.DefaultRequestHeaders.Add("X-Remote-User", setting("user") ?? "system:serviceaccount:cert-manager:cert-manager");
        http.DefaultRequestHeaders.Add("X-Remote-Group", "system:serviceaccounts");
        var path = $"apis/{setting("group-name") ?? Environment.GetEnvironmentVariable("GROUP_NAME")}/v1alpha1/{setting("solver-name") ?? "pdns"}";
        using var response = await http.PostAsJsonAsync(new Uri(server, path), new ChallengePayload(request), WebhookJsonContext.Default.ChallengePayload);
        return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync(WebhookJsonContext.Default.ChallengePayload))?.Response is { } answer
            ? answer
            : ChallengeResponse.Failed("", $"{server} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static bool Trusted(X509Certificate2 leaf, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(leaf);
    }
}
