namespace Webhook.Tests;

/// <summary><see cref="InstanceRoundsTests"/> on three PowerDNS 4.9.18 instances sharing one PostgreSQL database.</summary>
public sealed class PostgreSqlInstancesTests(PostgreSqlPowerDns pdns) : InstanceRoundsTests(pdns, rounds: 10);
