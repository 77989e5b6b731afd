[assembly: AssemblyFixture(typeof(DebianPowerDnsServer))]
[assembly: AssemblyFixture(typeof(TrixiePowerDnsServer))]
[assembly: AssemblyFixture(typeof(ForkyPowerDnsServer))]
[assembly: AssemblyFixture(typeof(PostgreSqlPowerDns))]

// Each test owns its names, but several webhook instances writing to one SQLite-backed PowerDNS at once would measure
// their contention instead of the behaviour under test.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
