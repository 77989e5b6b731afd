using System.Text.RegularExpressions;

namespace Webhook;

/// <summary>Command-line flags named like the Go apiserver's and cert-manager's webhook (docs/architecture.md decision 10).</summary>
internal static partial class Flags
{
    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--group-name"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.GroupName)}",
        ["--solver-name"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.SolverName)}",
        ["--secrets-dir"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.SecretsDir)}",
        ["--kubeconfig"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.Kubeconfig)}",
        ["--lease-namespace"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.LeaseNamespace)}",
        ["--secure-port"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.SecurePort)}",
        ["--bind-address"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.BindAddress)}",
        ["--tls-cert-file"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.TlsCertFile)}",
        ["--tls-private-key-file"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.TlsPrivateKeyFile)}",
        ["--requestheader-client-ca-file"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.RequestHeaderClientCaFile)}",
        ["--requestheader-allowed-names"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.RequestHeaderAllowedNames)}",
        ["--requestheader-username-headers"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.RequestHeaderUsernameHeaders)}",
        ["--requestheader-group-headers"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.RequestHeaderGroupHeaders)}",
        ["--requestheader-extra-headers-prefix"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.RequestHeaderExtraHeadersPrefix)}",
        ["--client-ca-file"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.ClientCaFile)}",
        ["--allowed-hosts"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.AllowedHosts)}",
        ["--authorization-mode"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.AuthorizationMode)}",
        ["--log-format"] = $"{WebhookOptions.Section}:{nameof(WebhookOptions.LogFormat)}",
        ["--log-level"] = "Logging:LogLevel:Default",
    };

    // The generic host's own switches, which WebApplicationFactory and dotnet tooling pass.
    private static readonly string[] HostSwitches = ["--environment", "--contentRoot", "--applicationName", "--urls"];

    /// <summary>
    /// Flags that are not ours: a misspelt --tls-cert-file must stop the start, not serve a self-signed certificate.
    /// Only kebab-case names are flags: configuration keys (--Webhook:SecurePort=..., what WebApplicationFactory passes)
    /// are .NET's own syntax and pass.
    /// </summary>
    public static IReadOnlyList<string> Unknown(string[] args) => [.. args
        .Select(a => a.Split('=')[0])
        .Where(name => FlagName().IsMatch(name) && !Switches.ContainsKey(name) && !HostSwitches.Contains(name, StringComparer.OrdinalIgnoreCase))];

    [GeneratedRegex("^--[a-z][a-z0-9-]*$")]
    private static partial Regex FlagName();

    /// <summary>GROUP_NAME (what webhook-example charts set), then the flags, which win.</summary>
    public static IConfigurationBuilder AddWebhookFlags(this IConfigurationBuilder configuration, string[] args)
    {
        if (Environment.GetEnvironmentVariable("GROUP_NAME") is { Length: > 0 } groupName)
        {
            configuration.AddInMemoryCollection([new(Switches["--group-name"], groupName)]);
        }

        return configuration.AddCommandLine(args, Switches);
    }
}
