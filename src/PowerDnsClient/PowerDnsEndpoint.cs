using System.Net;

namespace PowerDnsClient;

/// <summary>
/// Where and how to reach one PowerDNS API. Two endpoints are equal when every setting is (headers by content), so a
/// setting added here takes part in equality by itself. <see cref="ToString"/> never shows the key.
/// </summary>
/// <param name="BaseAddress">API base URL, <c>http</c> or <c>https</c>, possibly with a path prefix (<c>https://x/pdns</c>).</param>
/// <param name="ServerId">The PowerDNS server id, usually <c>localhost</c>.</param>
/// <param name="ApiKey">The API key, sent in <see cref="ApiKeyHeaderName"/>.</param>
public sealed record PowerDnsEndpoint(Uri BaseAddress, string ServerId, string ApiKey)
{
    /// <summary>The header carrying the key; proxies may want <c>Authorization</c>.</summary>
    public string ApiKeyHeaderName { get; init; } = "X-API-Key";

    /// <summary>A scheme written before the key, such as <c>Bearer</c>; none by default.</summary>
    public string? ApiKeyScheme { get; init; }

    /// <summary>Extra headers sent with every call; names compare case-insensitively, as HTTP's do.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init => field = new HeaderMap(value); } = HeaderMap.None;

    /// <summary>PEM certificates trusted <em>in addition to</em> the system store.</summary>
    public string? CaBundle { get; init; }

    /// <summary>
    /// Connect to this address instead of resolving <see cref="BaseAddress"/>'s host: one PowerDNS instance among several
    /// behind one name. Everything else stays <see cref="BaseAddress"/>'s: TLS still sends and verifies its host name.
    /// </summary>
    public IPAddress? Address { get; init; }

    /// <summary>Time limit of one HTTP attempt.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The value of the key header.</summary>
    internal string ApiKeyHeaderValue => ApiKeyScheme is { Length: > 0 } scheme ? $"{scheme} {ApiKey}" : ApiKey;

    /// <summary>The URL only: an endpoint may be logged, its key never.</summary>
    public override string ToString() => Address is null ? BaseAddress.ToString() : $"{BaseAddress} at {Address}";
}
