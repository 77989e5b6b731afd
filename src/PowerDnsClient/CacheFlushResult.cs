namespace PowerDnsClient;

/// <summary>The answer to a cache flush: how many entries were dropped.</summary>
public sealed record CacheFlushResult(int Count, string Result);
