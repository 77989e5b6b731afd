namespace Webhook.Freshness;

/// <summary>What one server answered for a TXT question: the response code and the values, as a validator sees them.</summary>
internal sealed record ServedTxt(int ResponseCode, IReadOnlyList<string> Values)
{
    /// <summary>Whether the set has <paramref name="value"/> (after Present) or lacks it (after CleanUp).</summary>
    public bool Shows(string value, bool present) => present
        ? ResponseCode == 0 && Values.Contains(value)
        : ResponseCode is 0 or 3 && !Values.Contains(value);   // NOERROR or NXDOMAIN: the zone is served, the value is not

    public override string ToString() => $"{ResponseCode switch { 0 => "NOERROR", 2 => "SERVFAIL", 3 => "NXDOMAIN", 5 => "REFUSED", var code => $"rcode {code}" }} [{string.Join(", ", Values)}]";
}
