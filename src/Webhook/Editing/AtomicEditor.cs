using PowerDnsClient;

namespace Webhook.Editing;

/// <summary>
/// EXTEND/PRUNE (PowerDNS 4.9.12+ and 5.0.2+): one PATCH carries one atomic, idempotent change per value, so nothing
/// is read first. PowerDNS purges its caches itself, and these versions purge them in the right order.
/// </summary>
internal sealed class AtomicEditor(IPowerDnsApi api, string server, string serverId, Zone zone) : ZoneEditor(api, server, serverId, zone)
{
    public override EditStrategy Strategy => EditStrategy.Atomic;

    protected override async Task<bool> ChangeAsync(IReadOnlyList<TxtEdit> edits, CancellationToken cancellationToken)
    {
        await Api.PatchZoneAsync(ServerId, Zone.Id, new ZonePatch([.. edits.Select(TxtRecords.Atomic)]), cancellationToken);
        return true;
    }
}
