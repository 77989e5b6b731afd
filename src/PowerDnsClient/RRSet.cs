using System.Text.Json.Serialization;

namespace PowerDnsClient;

/// <summary>All records of one name and type. Names are absolute, with a trailing dot.</summary>
public sealed record RRSet(string Name, string Type, int Ttl, IReadOnlyList<Record> Records)
{
    /// <summary>Set only in a <see cref="ZonePatch"/>.</summary>
    [JsonPropertyName("changetype")]
    public ChangeType? ChangeType { get; init; }
}
