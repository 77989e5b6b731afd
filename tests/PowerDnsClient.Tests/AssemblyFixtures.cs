[assembly: AssemblyFixture(typeof(DebianPowerDnsServer))]
[assembly: AssemblyFixture(typeof(TrixiePowerDnsServer))]
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
