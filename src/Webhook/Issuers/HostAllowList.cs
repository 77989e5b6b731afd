using System.Text.RegularExpressions;
using Webhook.Challenges;

namespace Webhook.Issuers;

/// <summary>
/// The operator's <c>--allowed-hosts</c>: where an Issuer's 'host' may point, and so where an API key may be sent. Entries
/// are <c>host</c>, <c>host:port</c>, <c>*.domain</c> (any name below it) or <c>*.domain:port</c>; IPv6 in brackets. Empty
/// allows every host (hook mode, where the operator writes the config).
/// </summary>
internal sealed partial class HostAllowList
{
    public const string Example = "pdns.dns.svc:8081,*.pdns.example.com";

    private readonly IReadOnlyList<(string Host, int? Port)> _entries;

    private HostAllowList(IReadOnlyList<(string Host, int? Port)> entries) => _entries = entries;

    public static HostAllowList Any { get; } = new([]);

    /// <summary>What is wrong with the first malformed entry, or null.</summary>
    public static string? Problem(string? text) => Entries(text).FirstOrDefault(e => !Entry().IsMatch(e)) is { } bad
        ? $"--allowed-hosts entry '{bad}' is not host, host:port or *.domain[:port], e.g. {Example}"
        : null;

    /// <summary>Comma-separated entries; a malformed one is a <see cref="FormatException"/> naming the flag.</summary>
    public static HostAllowList Parse(string? text) => Problem(text) is { } problem ? throw new FormatException(problem)
        : new([.. Entries(text).Select(entry => Entry().Match(entry)).Select(match => (match.Groups["host"].Value,
            match.Groups["port"].Success ? int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null))]);

    public bool Allows(Uri url) => _entries.Count == 0 || _entries.Any(e => (e.Port is null || e.Port == url.Port) && Matches(e.Host, url.Host.ToLowerInvariant()));

    /// <summary>
    /// Checked before any Secret is read: a key never goes to a host the operator did not name, neither 'host' nor any of
    /// 'instances' (each is reached at 'host''s scheme and port, with the key).
    /// </summary>
    public void EnsureAllows(SolverConfig config)
    {
        var targets = config.Instances.Select(instance => (Field: "instances", Url: new UriBuilder(config.Host) { Host = instance }.Uri))
            .Prepend((Field: "host", Url: config.Host));
        if (targets.FirstOrDefault(t => !Allows(t.Url)) is { Url: not null } refused)
        {
            throw new SolverException($"'{refused.Field}' {refused.Url.Authority} is not among the webhook's --allowed-hosts ({string.Join(", ", _entries.Select(e => e.Port is { } port ? $"{e.Host}:{port}" : e.Host))}): point '{refused.Field}' at one of them, or ask the webhook's operator to add it");
        }
    }

    private static IEnumerable<string> Entries(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e => e.ToLowerInvariant());

    private static bool Matches(string pattern, string host) => pattern.StartsWith("*.", StringComparison.Ordinal)
        ? host.EndsWith(pattern[1..], StringComparison.Ordinal) && host.Length > pattern.Length - 1
        : host == pattern;

    [GeneratedRegex(@"^(?<host>(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:(?<port>[0-9]{1,5}))?$")]
    private static partial Regex Entry();
}
