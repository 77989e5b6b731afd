using System.Text.Json.Serialization;

namespace PowerDnsClient;

/// <summary>A zone. <see cref="Id"/> is the URL-safe form of <see cref="Name"/>; <see cref="Kind"/> is Native, Master/Primary or Slave/Secondary.</summary>
public sealed record Zone(string Id, string Name, string Kind)
{
    /// <summary>The zone's RRSets, when the call returns them.</summary>
    [JsonPropertyName("rrsets")]
    public IReadOnlyList<RRSet> RRSets { get; init; } = [];
}
