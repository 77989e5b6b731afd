namespace Webhook.Editing;

/// <summary>How TXT values are added and removed (docs/architecture.md, decision 3).</summary>
internal enum EditStrategy
{
    /// <summary>Chosen from the server's version.</summary>
    Auto,

    /// <summary><c>EXTEND</c>/<c>PRUNE</c>: one atomic, idempotent change per value (<see cref="AtomicEditor"/>).</summary>
    Atomic,

    /// <summary>Read, change, <c>REPLACE</c> the RRSet, then flush the zone from the caches (<see cref="ReplaceEditor"/>).</summary>
    Replace,
}
