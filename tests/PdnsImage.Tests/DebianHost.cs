namespace PdnsImage.Tests;

/// <summary>PowerDNS 4.7.3 from this host's Debian 12 packages, running the same scripts as the test's user.</summary>
public sealed class DebianHost : ImageHost
{
    public override string Root => "/";

    public override string VersionPrefix => "4.7.";

    protected override IEnumerable<string> Enter => [];
}
