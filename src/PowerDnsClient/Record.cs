namespace PowerDnsClient;

/// <summary>One record in presentation format; TXT content is quoted (<c>"\"value\""</c>).</summary>
public sealed record Record(string Content, bool Disabled = false);
