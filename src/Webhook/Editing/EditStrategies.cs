using PowerDnsClient;

namespace Webhook.Editing;

internal static class EditStrategies
{
    /// <summary>EXTEND and PRUNE exist from PowerDNS 4.9.12 on the 4.9 line and from 5.0.2; anything unparsable gets the safe choice.</summary>
    public static EditStrategy ForVersion(string version)
    {
        var numbers = version.Split('-', '+')[0].Split('.');
        if (numbers.Length < 3 || !int.TryParse(numbers[0], out var major) || !int.TryParse(numbers[1], out var minor)
            || !int.TryParse(numbers[2], out var patch))
        {
            return EditStrategy.Replace;
        }

        var atomic = (major, minor) switch
        {
            (4, 9) => patch >= 12,
            (5, 0) => patch >= 2,
            _ => (major, minor).CompareTo((5, 0)) > 0,
        };
        return atomic ? EditStrategy.Atomic : EditStrategy.Replace;
    }

    /// <summary>
    /// Whether one cache purge can leave a stale answer behind, as on servers before 4.9.12 and 5.0.1 (docs/powerdns.md,
    /// "Caches"). Those are the servers without EXTEND/PRUNE, but for 5.0.1, which has the fix and gets the second purge
    /// anyway: it costs one API call.
    /// </summary>
    public static bool PurgeRaces(EditStrategy strategy) => strategy is EditStrategy.Replace;

    /// <summary>The editor of <paramref name="strategy"/> (never <see cref="EditStrategy.Auto"/>) for one zone.</summary>
    public static ZoneEditor Editor(EditStrategy strategy, IPowerDnsApi api, string server, string serverId, Zone zone) => strategy switch
    {
        EditStrategy.Atomic => new AtomicEditor(api, server, serverId, zone),
        EditStrategy.Replace => new ReplaceEditor(api, server, serverId, zone),
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "resolve Auto from the server's version first"),
    };
}
