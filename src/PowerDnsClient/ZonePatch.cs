using System.Text.Json.Serialization;

namespace PowerDnsClient;

/// <summary>The body of <c>PATCH .../zones/{zone}</c>: RRSet changes applied in one transaction.</summary>
public sealed record ZonePatch([property: JsonPropertyName("rrsets")] IReadOnlyList<RRSet> RRSets);
