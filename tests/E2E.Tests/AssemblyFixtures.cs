using E2E.Tests;

[assembly: AssemblyFixture(typeof(AcmeStack473))]
[assembly: AssemblyFixture(typeof(AcmeStack4918))]

// Real PowerDNS, Pebble and ACME clients: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
