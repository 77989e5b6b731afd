using PowerDnsClient;

namespace Webhook.Editing;

/// <summary>
/// Read-modify-write for servers without EXTEND/PRUNE: one read (the RRSet, or the whole tiny zone for a batch of
/// names), one PATCH REPLACE of the RRSets that change, then a cache flush of the zone (the zone's name and every name
/// below it), which closes the race of servers before 4.9.12 that can serve the old answer for a whole TTL. The whole
/// server is held meanwhile: SQLite locks the whole database, so writes to different zones collide too.
/// </summary>
internal sealed class ReplaceEditor(IPowerDnsApi api, string server, string serverId, Zone zone) : ZoneEditor(api, serverId, zone)
{
    public override EditStrategy Strategy => EditStrategy.Replace;

    public override WriteScope Scope { get; } = new(server, null);

    protected override async Task<bool> ChangeAsync(IReadOnlyList<TxtEdit> edits, CancellationToken cancellationToken)
    {
        var byName = edits.GroupBy(e => e.Name).ToList();
        var current = byName.Count == 1
            ? await Api.GetRRSetAsync(ServerId, Zone.Id, byName[0].Key, TxtRecords.Type, cancellationToken)
            : await Api.GetZoneAsync(ServerId, Zone.Id, cancellationToken);
        var changes = new List<RRSet>();
        foreach (var name in byName)
        {
            var records = current.RRSets.FirstOrDefault(r => r.Type == TxtRecords.Type && string.Equals(r.Name, name.Key, StringComparison.OrdinalIgnoreCase))?.Records ?? [];
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
}
