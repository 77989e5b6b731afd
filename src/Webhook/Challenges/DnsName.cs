using System.Text.RegularExpressions;

namespace Webhook.Challenges;

/// <summary>DNS names as this solver compares them: absolute (PowerDNS wants the trailing dot) and lower case (DNS ignores case).</summary>
internal static partial class DnsName
{
    /// <summary>The normalised name, or null when <paramref name="name"/> is not a host-like DNS name.</summary>
    public static string? Normalize(string? name)
    {
        var absolute = name?.Trim().TrimEnd('.').ToLowerInvariant() + ".";
        return absolute.Length is > 1 and <= 254 && Labels().IsMatch(absolute) ? absolute : null;
    }

    /// <summary>True when <paramref name="name"/> is <paramref name="zone"/> or below it; both normalised.</summary>
    public static bool IsWithin(string name, string zone) =>
        name == zone || zone == "." || name.EndsWith("." + zone, StringComparison.Ordinal);

    [GeneratedRegex(@"^([a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?\.)+$")]
    private static partial Regex Labels();
}
