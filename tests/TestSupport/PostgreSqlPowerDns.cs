
namespace TestSupport;

/// <summary>
/// Three PowerDNS 4.9.18 instances (the bundled image's, in its trixie root file system, backend gpgsql) serving one
/// PostgreSQL database, as replicas behind one Service serve a production database: the same API and DNS ports on
/// 127.0.0.1, .2 and .3, PowerDNS's default caches, and gpgsql's default READ COMMITTED transactions. The image's
/// serializable setting is left out on purpose: a PowerDNS the user runs has no such setting, and with it the
/// database, not the webhook, would keep concurrent writes apart.
/// </summary>
public sealed class PostgreSqlPowerDns() : RootFsPowerDnsServer("trixie", instances: 3)
{
    public PostgreSqlServer PostgreSql { get; } = new();

    public PostgreSqlDatabase Database { get; private set; } = null!;

    /// <summary>The contents of <paramref name="name"/>'s TXT rows as the database holds them, unquoted, one per row (duplicates too).</summary>
    public async Task<IReadOnlyList<string>> TxtRowsAsync(string name) =>
        [.. (await PostgreSql.QueryAsync(Database.Name, $"SELECT content FROM records WHERE name = '{name.TrimEnd('.')}' AND type = 'TXT' ORDER BY content"))
            .Select(c => c.Trim('"'))];

    public override async ValueTask InitializeAsync()
    {
        await PostgreSql.InitializeAsync();
        Database = await PostgreSql.CreateDatabaseAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgreSql.DisposeAsync();
    }

    protected override async Task ConfigureAsync(string hostDirectory, string serverDirectory, Dictionary<string, string> environment)
    {
        UseDefaultCaches(environment);
        // As a mounted Secret gives it: never in an environment or on a command line.
        await File.WriteAllTextAsync(Path.Combine(hostDirectory, "pg-password"), Database.Password + "\n");
        foreach (var (name, value) in Database.ImageSettings($"{serverDirectory}/pg-password"))
        {
            environment[name] = value;
        }
        // gpgsql's connection parameters without the image's default_transaction_isolation: the password file only.
        environment["PDNS_EXTRA_CONF"] = $"gpgsql-extra-connection-parameters=passfile={environment["PDNS_CONFIG_DIR"]}/pgpass";
    }
}
