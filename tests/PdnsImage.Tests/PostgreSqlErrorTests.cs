namespace PdnsImage.Tests;

/// <summary>What stops the entrypoint before PowerDNS starts on PostgreSQL: one line that names the cause, never the password.</summary>
public sealed class PostgreSqlErrorTests(TrixieImage host, PostgreSqlServer postgres)
{
    [Fact]
    public async Task AnUnreachableDatabaseIsNamedByHostAndPort()
    {
        var database = await postgres.CreateDatabaseAsync() with { Port = Ports.GetFree() };

        var output = await FailingStartAsync(database);

        output.Should().Contain($"PostgreSQL at {database.Endpoint} is unreachable");
    }

    [Fact]
    public async Task AWrongPasswordIsAnAuthenticationFailure()
    {
        var database = await postgres.CreateDatabaseAsync() with { Password = "wrong-" + Guid.NewGuid().ToString("N") };

        var output = await FailingStartAsync(database);

        output.Should().Contain($"PostgreSQL at {database.Endpoint}: authentication failed for user {database.User}");
    }

    [Fact]
    public async Task ASchemaOfAnotherVersionIsRefusedNamingWhatDiffers()
    {
        var database = await postgres.CreateDatabaseAsync();
        await postgres.QueryAsync(database.Name, $"SET ROLE {database.User}; CREATE TABLE domains (id SERIAL PRIMARY KEY, name VARCHAR(255) NOT NULL)");

        var output = await FailingStartAsync(database);

        output.Should().Contain($"database {database.Name} at {database.Endpoint} holds a PowerDNS schema of another version")
            .And.Contain("missing tables: ").And.Contain("missing columns: domains.");
    }

    [Fact]
    public async Task AMissingSchemaTheUserMayNotCreateIsNamed()
    {
        var database = await postgres.CreateDatabaseAsync(ownedByUser: false);   // PostgreSQL 15: no CREATE on public for others

        var output = await FailingStartAsync(database);

        output.Should().Contain($"database {database.Name} at {database.Endpoint} has no PowerDNS schema, and user {database.User} may not create it");
    }

    private async Task<string> FailingStartAsync(PostgreSqlDatabase database)
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await server.UsePostgreSqlAsync(database);

        await server.StartAsync();
        var exit = await server.WaitForExitAsync();

        exit.Should().NotBe(0, server.ToString());
        var errors = server.Output.Split('\n').Where(l => l.StartsWith("entrypoint.sh: error: ", StringComparison.Ordinal)).ToList();
        errors.Should().ContainSingle(server.ToString());
        server.Output.Should().NotContain("starting pdns_server").And.NotContain(database.Password);
        return errors[0];
    }
}
