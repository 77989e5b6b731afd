using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace E2E.Tests;

/// <summary>
/// One order by one ACME client, with a fresh account, for <c>*.D</c> and <c>D</c> (D unique to the run). Its DNS-01 hook is
/// the webhook executable, wrapped by a script that records each event and what DNS serves after a Present and before a
/// CleanUp, so a test can tell whether two values were up together.
/// </summary>
public sealed class AcmeRun : IDisposable
{
    private readonly AcmeStack _stack;
    private readonly string _directory = Directory.CreateTempSubdirectory("acme-run-").FullName;

    /// <param name="stack">The PowerDNS and Pebble to use.</param>
    /// <param name="apiKey">The key the Secret holds; PowerDNS's own by default.</param>
    /// <param name="parent">Where D is made: a zone the PowerDNS serves by default.</param>
    /// <param name="config">Issuer config fields beside host and apiKeySecretRef.</param>
    public AcmeRun(AcmeStack stack, string? apiKey = null, string parent = "example.test", JsonObject? config = null)
    {
        _stack = stack;
        Domain = $"qa.t{Guid.NewGuid():N}"[..15] + "." + parent;
        SecretsDirectory = Path.Combine(_directory, "secrets");
        Directory.CreateDirectory(Path.Combine(SecretsDirectory, "default", "pdns"));
        File.WriteAllText(Path.Combine(SecretsDirectory, "default", "pdns", "api-key"), apiKey ?? stack.PowerDns.ApiKey);
        config ??= [];
        config["host"] = stack.PowerDns.ApiUrl.ToString();
        config["apiKeySecretRef"] = new JsonObject { ["name"] = "pdns", ["key"] = "api-key" };
        ConfigFile = Path.Combine(_directory, "config.json");
        File.WriteAllText(ConfigFile, config.ToJsonString());
    }

    public string Domain { get; }

    public string Fqdn => $"_acme-challenge.{Domain}.";

    public string SecretsDirectory { get; }

    public string ConfigFile { get; }

    /// <summary>What the hook wrapper recorded, in order.</summary>
    public HookEvents Events => new(File.Exists(EventsFile) ? File.ReadAllLines(EventsFile) : []);

    private string EventsFile => Path.Combine(_directory, "events");

    private int DnsPort => _stack.PowerDns.DnsPort;

    /// <summary>lego's exec provider: one authorization at a time, each Present checked in DNS before validation.</summary>
    public async Task<ClientRun> LegoAsync()
    {
        var certificate = Path.Combine(_directory, "lego", "certificates", $"_.{Domain}.crt");
        return await RunAsync(certificate, Environment(new()
        {
            ["LEGO_CA_CERTIFICATES"] = _stack.Pebble.TlsCaFile,
            ["EXEC_PATH"] = Hook(),
            ["EXEC_SEQUENCE_INTERVAL"] = "1",       // else 60 s between the two authorizations
            ["EXEC_PROPAGATION_TIMEOUT"] = "30",
            ["EXEC_POLLING_INTERVAL"] = "1",
        }), "lego", "--server", _stack.Pebble.DirectoryUrl.ToString(), "--accept-tos", "--email", "e2e@example.test",
            "--path", Path.Combine(_directory, "lego"), "--dns", "exec", "--dns.resolvers", $"127.0.0.1:{Port(DnsPort)}", "--dns.disable-cp",
            "-d", "*." + Domain, "-d", Domain, "run");
    }

    /// <summary>dehydrated with HOOK_CHAIN: one deploy_challenge call with both values, then one clean_challenge.</summary>
    public async Task<ClientRun> DehydratedAsync()
    {
        var configFile = Path.Combine(_directory, "dehydrated.conf");
        Directory.CreateDirectory(Path.Combine(_directory, "dehydrated"));
        await File.WriteAllLinesAsync(configFile, [
            $"CA={_stack.Pebble.DirectoryUrl}", "CHALLENGETYPE=dns-01", $"HOOK={Hook()}", "HOOK_CHAIN=yes",
            $"BASEDIR={Path.Combine(_directory, "dehydrated")}"]);
        var environment = Environment(new() { ["CURL_CA_BUNDLE"] = _stack.Pebble.TlsCaFile });
        var certificate = Path.Combine(_directory, "dehydrated", "certs", Domain, "fullchain.pem");
        var register = await RunAsync(certificate, environment, "dehydrated", "--config", configFile, "--register", "--accept-terms");
        return register.Exit != 0 ? register
            : await RunAsync(certificate, environment, "dehydrated", "--config", configFile, "--cron", "-d", Domain, "-d", "*." + Domain);
    }

    /// <summary>certbot's manual hooks, once per authorization, all before validation; <paramref name="hookArguments"/> follow the hook's.</summary>
    public async Task<ClientRun> CertbotAsync(params string[] hookArguments)
    {
        var certbot = Path.Combine(_directory, "certbot");
        var hook = Hook(hookArguments);
        return await RunAsync(Path.Combine(certbot, "config", "live", Domain, "fullchain.pem"),
            Environment(new() { ["REQUESTS_CA_BUNDLE"] = _stack.Pebble.TlsCaFile }),
            "certbot", "certonly", "--non-interactive", "--agree-tos", "--register-unsafely-without-email",
            "--server", _stack.Pebble.DirectoryUrl.ToString(), "--config-dir", Path.Combine(certbot, "config"),
            "--work-dir", Path.Combine(certbot, "work"), "--logs-dir", Path.Combine(certbot, "logs"),
            "--manual", "--preferred-challenges", "dns", "--manual-auth-hook", $"{hook} certbot-auth",
            "--manual-cleanup-hook", $"{hook} certbot-cleanup", "-d", Domain, "-d", "*." + Domain);
    }

    private Dictionary<string, string> Environment(Dictionary<string, string> client)
    {
        client["PDNS_WEBHOOK_CONFIG"] = ConfigFile;
        client["PDNS_WEBHOOK_SECRETS_DIR"] = SecretsDirectory;
        return client;
    }

    private static async Task<ClientRun> RunAsync(string certificate, Dictionary<string, string> environment, string client, params string[] arguments)
    {
        await using var process = new ChildProcess(client, arguments, environment);
        var exit = await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return new ClientRun(exit, process.Output, certificate);
    }

    // The wrapper: records the event (certbot's value is in its environment), what DNS serves before a CleanUp and after a
    // Present, and runs the webhook executable as the hook with its exit status.
    private string Hook(params string[] hookArguments)
    {
        var path = Path.Combine(_directory, "hook.sh");
        var dig = $"dig +short +time=2 +tries=1 -p {Port(DnsPort)} @127.0.0.1 TXT {Fqdn}";
        File.WriteAllText(path, $"""
            #!/bin/sh
            served() {'{'} echo "$1 $({dig} | tr -d '"' | tr '\n' ' ')" >>'{EventsFile}'; {'}'}
            echo "call $* $CERTBOT_VALIDATION" >>'{EventsFile}'
            case $1 in clean_challenge|cleanup|certbot-cleanup) served before-cleanup ;; esac
            dotnet '{Path.Combine(AppContext.BaseDirectory, "pdns-webhook.dll")}' "$@" {string.Join(' ', hookArguments.Select(a => $"'{a}'"))}
            status=$?
            case $1 in deploy_challenge|present|certbot-auth) served after-present ;; esac
            exit $status

            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>An ACME client's exit status, everything it printed, and where its certificate (with chain) should be.</summary>
public sealed record ClientRun(int Exit, string Output, string CertificateFile)
{
    public override string ToString() => $"exit {Exit}:\n{Output}";

    public X509Certificate2Collection Chain()
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(CertificateFile);
        return chain;
    }
}
