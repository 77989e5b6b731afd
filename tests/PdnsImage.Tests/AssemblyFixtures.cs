[assembly: AssemblyFixture(typeof(PdnsImage.Tests.TrixieImage))]
[assembly: AssemblyFixture(typeof(PdnsImage.Tests.DebianHost))]
[assembly: AssemblyFixture(typeof(PostgreSqlServer))]

// Every test starts its own pdns_server on its own ports; run one at a time so that on two cores the "fails fast" and
// readiness deadlines measure the entrypoint, not contention between tests.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
