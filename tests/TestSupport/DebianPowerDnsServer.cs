namespace TestSupport;

/// <summary>PowerDNS 4.7.3 from the host's Debian 12 packages: no EXTEND/PRUNE, "database is locked" under concurrent writes, and the stale-cache race.</summary>
public sealed class DebianPowerDnsServer : PowerDnsServer;
