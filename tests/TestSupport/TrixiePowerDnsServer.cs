namespace TestSupport;

/// <summary>PowerDNS 4.9.18, the bundled image's own (Debian trixie): EXTEND/PRUNE, and the cache race fixed.</summary>
public sealed class TrixiePowerDnsServer() : RootFsPowerDnsServer("trixie")
{
    public static readonly string RootFs = RootOf("trixie");
}
