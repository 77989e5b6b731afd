namespace Webhook.Challenges;

/// <summary>How TXT values are added and removed (DESIGN.md decision 3).</summary>
internal enum EditStrategy
{
    /// <summary>Chosen from the server's version.</summary>
    Auto,

    /// <summary><c>EXTEND</c>/<c>PRUNE</c>: one atomic, idempotent change per value.</summary>
    Atomic,

    /// <summary>Read, change, <c>REPLACE</c> the whole RRSet, serialised per server, then flush the name from the caches.</summary>
    Replace,
}
