namespace Webhook.Editing;

/// <summary>
/// What one batch write must hold exclusively: a zone of a PowerDNS server, or the whole server when
/// <see cref="Zone"/> is null (SQLite locks the whole database, so read-modify-write collides across zones).
/// </summary>
/// <param name="Server">The PowerDNS API URL and server id; never a key.</param>
/// <param name="Zone">The zone id, or null for the whole server.</param>
internal sealed record WriteScope(string Server, string? Zone)
{
    public override string ToString() => Zone is null ? Server : $"{Server} {Zone}";
}
