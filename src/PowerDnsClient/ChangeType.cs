using System.Text.Json.Serialization;

namespace PowerDnsClient;

/// <summary>How a PATCH changes an RRSet.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeType>))]
public enum ChangeType
{
    /// <summary>Replaces the whole RRSet; an empty record list deletes it.</summary>
    [JsonStringEnumMemberName("REPLACE")] Replace,

    /// <summary>Deletes the RRSet.</summary>
    [JsonStringEnumMemberName("DELETE")] Delete,

    /// <summary>Adds one record unless present (PowerDNS 4.9.12 / 5.0.2 and later).</summary>
    [JsonStringEnumMemberName("EXTEND")] Extend,

    /// <summary>Removes one record if present (PowerDNS 4.9.12 / 5.0.2 and later); needs <c>ttl</c> too.</summary>
    [JsonStringEnumMemberName("PRUNE")] Prune,
}
