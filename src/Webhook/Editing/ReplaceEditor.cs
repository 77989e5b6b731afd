using System.Collections.Concurrent;
using PowerDnsClient;

namespace Webhook.Editing;

/// <summary>
/// Read-modify-write for servers without EXTEND/PRUNE: one read per name of the batch (its TXT RRSet only, never the
/// whole zone, whose size is not ours to bound), one PATCH REPLACE of the RRSets that change, then a cache flush of the
/// zone (the zone's name and every name below it), which closes the race of servers before 4.9.12 that can serve the
/// old answer for a whole TTL. The whole server is held meanwhile: SQLite locks the whole database, so writes to
/// different zones collide too.
/// </summary>
internal sealed class ReplaceEditor(IPowerDnsApi api, string server, string serverId, Zone zone) : ZoneEditor(api, serverId, zone)
{
    // Reads only (SQLite serves them in parallel): enough to hide their latency, few enough to leave PowerDNS's threads to DNS.
    private const int ParallelReads = 8;

    public override EditStrategy Strategy => EditStrategy.Replace;

    public override WriteScope Scope { get; } = new(server, null);

    protected override async Task<bool> ChangeAsync(IReadOnlyList<TxtEdit> edits, CancellationToken cancellationToken)
    {
        var current = await ReadAsync([.. edits.Select(e => e.Name).Distinct()], cancellationToken);
        var changes = new List<RRSet>();
        foreach (var name in edits.GroupBy(e => e.Name))
        {
            var records = current[name.Key];
            var next = TxtRecords.Apply(records, name);
            if (!next.SequenceEqual(records))
            {
                changes.Add(TxtRecords.Replace(name.Key, name.Last().Ttl, next));
            }
        }

        if (changes.Count == 0)
        {
            return false;
        }

        await Api.PatchZoneAsync(ServerId, Zone.Id, new ZonePatch(changes), cancellationToken);
        await Api.FlushCacheAsync(ServerId, Zone.Name, cancellationToken);
        return true;
    }

    // The TXT records each name holds now: a GET of its RRSet alone costs the same in a zone of ten RRSets or of ten thousand.
    private async Task<IReadOnlyDictionary<string, IReadOnlyList<Record>>> ReadAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var current = new ConcurrentDictionary<string, IReadOnlyList<Record>>();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken }, async (name, token) =>
        {
            var zone = await Api.GetRRSetAsync(ServerId, Zone.Id, name, TxtRecords.Type, token);
            current[name] = zone.RRSets.FirstOrDefault(r => r.Type == TxtRecords.Type && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))?.Records ?? [];
        });
        return current;
    }
}
