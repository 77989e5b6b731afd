using PowerDnsClient;

namespace Webhook.Editing;

/// <summary>
/// One edit strategy: how a batch of TXT edits is written into one zone. After a change, a zone of kind Master or
/// Primary gets a NOTIFY, so its secondaries fetch it.
/// </summary>
internal abstract class ZoneEditor(IPowerDnsApi api, string serverId, Zone zone)
{
    protected IPowerDnsApi Api => api;

    protected string ServerId => serverId;

    protected Zone Zone => zone;

    /// <summary>The zone's name, as a cache flush takes it.</summary>
    public string ZoneName => zone.Name;

    public abstract EditStrategy Strategy { get; }

    /// <summary>What must be held while this editor writes.</summary>
    public abstract WriteScope Scope { get; }

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
