[assembly: AssemblyFixture(typeof(DebianPowerDnsServer))]
[assembly: AssemblyFixture(typeof(TrixiePowerDnsServer))]
[assembly: AssemblyFixture(typeof(ForkyPowerDnsServer))]
[assembly: AssemblyFixture(typeof(Conformance.Tests.ConformanceStack))]
[assembly: AssemblyFixture(typeof(Conformance.Tests.ConformanceReport))]

// The cells share one webhook and two PowerDNS servers, and their times go into the table: one at a time.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
