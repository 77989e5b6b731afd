using PowerDnsClient;

namespace Webhook.Editing;

/// <summary>
/// One edit strategy: how a batch of TXT edits is written into one zone. After a change, a zone of kind Master or
/// Primary gets a NOTIFY, so its secondaries fetch it.
/// </summary>
internal abstract class ZoneEditor(IPowerDnsApi api, string server, string serverId, Zone zone)
{
    protected IPowerDnsApi Api => api;

    protected string ServerId => serverId;

    protected Zone Zone => zone;

    /// <summary>The zone's name, as a cache flush takes it.</summary>
    public string ZoneName => zone.Name;

    public abstract EditStrategy Strategy { get; }

    /// <summary>
    /// What must be held while this editor writes: the whole server, whatever the strategy. SQLite locks the whole
    /// database, and PostgreSQL run SERIALIZABLE (the bundled image) aborts concurrent PATCHes even on different zones
    /// (docs/architecture.md, decision 11).
    /// </summary>
    public WriteScope Scope { get; } = new(server, null);

    public async Task WriteAsync(IReadOnlyList<TxtEdit> edits, CancellationToken cancellationToken)
    {
        if (await ChangeAsync(edits, cancellationToken) && zone.Kind is "Master" or "Primary")
        {
            await api.NotifyAsync(serverId, zone.Id, cancellationToken);
        }
    }

    /// <summary>Applies <paramref name="edits"/> in order; answers whether the zone may have changed.</summary>
    protected abstract Task<bool> ChangeAsync(IReadOnlyList<TxtEdit> edits, CancellationToken cancellationToken);
}
