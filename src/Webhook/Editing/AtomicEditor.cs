using PowerDnsClient;

namespace Webhook.Editing;

/// <summary>
/// EXTEND/PRUNE (PowerDNS 4.9.12+ and 5.0.2+): one PATCH carries one atomic, idempotent change per value, so nothing
/// is read first. PowerDNS purges its caches itself, and these versions purge them in the right order. One write per
/// server at a time, as for REPLACE: SQLite locks the whole database, and PostgreSQL run SERIALIZABLE (the bundled
/// image) aborts concurrent PATCHes even on different zones (docs/architecture.md, decision 11).
/// </summary>
internal sealed class AtomicEditor(IPowerDnsApi api, string server, string serverId, Zone zone) : ZoneEditor(api, serverId, zone)
{
    public override EditStrategy Strategy => EditStrategy.Atomic;

    public override WriteScope Scope { get; } = new(server, null);

    protected override async Task<bool> ChangeAsync(IReadOnlyList<TxtEdit> edits, CancellationToken cancellationToken)
    {
        await Api.PatchZoneAsync(ServerId, Zone.Id, new ZonePatch([.. edits.Select(TxtRecords.Atomic)]), cancellationToken);
        return true;
    }
}
