using System.Globalization;

namespace TestSupport;

/// <summary>
/// A throwaway PostgreSQL 15 cluster from Debian's packages (apt-get install postgresql), on 127.0.0.1 and a free port.
/// The test itself connects as the superuser over the cluster's Unix socket (trust); everyone else comes over TCP with a
/// password (scram-sha-256), as PowerDNS does in a cluster. Stopped by its own PID; its directory is removed at the end.
/// </summary>
public sealed class PostgreSqlServer : IAsyncLifetime
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "postgresql-test-" + Guid.NewGuid().ToString("N"));
    private ChildProcess? _postgres;
    private int _databases;

    public const string Host = "127.0.0.1";

    public int Port { get; } = Ports.GetFree();

    public override string ToString() => _postgres?.ToString() ?? "postgres not running";

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        await RunAsync("chown", "postgres:postgres", _directory);
        await RunAsync("setpriv", [.. AsPostgres, $"{Bin}/initdb", "-D", DataDirectory, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256"]);
        await StartAsync();
    }

    /// <summary>Starts the server on its data directory (again, after <see cref="StopAsync"/>) and waits until it takes queries.</summary>
    public async Task StartAsync()
    {
        _postgres.Should().BeNull("the server must be stopped first");
        _postgres = new ChildProcess("setpriv", [.. AsPostgres, $"{Bin}/postgres", "-D", DataDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-k", _directory, "-c", "listen_addresses=" + Host]);
        await Eventually.ReturnsAsync(() => QueryAsync("postgres", "SELECT 1"), rows => rows.Count == 1, TimeSpan.FromSeconds(30), ToString);
    }

    /// <summary>A fast shutdown (SIGINT: open connections are closed), as a failing-over primary goes away.</summary>
    public async Task StopAsync()
    {
        var postgres = _postgres ?? throw new InvalidOperationException("not running");
        await RunAsync("kill", "-INT", postgres.Id.ToString(CultureInfo.InvariantCulture));
        (await postgres.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, postgres.Output);
        await postgres.DisposeAsync();
        _postgres = null;
    }

    /// <summary>A new empty database and a role that logs in over TCP with a password; the role owns the database unless told otherwise.</summary>
    public async Task<PostgreSqlDatabase> CreateDatabaseAsync(bool ownedByUser = true)
    {
        var n = Interlocked.Increment(ref _databases);
        // ':', '\' and ' ' in the password: what a password file must escape and a connection string must quote.
        var database = new PostgreSqlDatabase(Host, Port, $"pdns{n}", $"pdns_user{n}", @"p w:\" + Guid.NewGuid().ToString("N"));
        await QueryAsync("postgres", $"CREATE ROLE {database.User} LOGIN PASSWORD '{database.Password}'");
        await QueryAsync("postgres", $"CREATE DATABASE {database.Name}{(ownedByUser ? " OWNER " + database.User : "")}");
        return database;
    }

    /// <summary>Runs SQL as the superuser; returns the rows, columns separated by '|'.</summary>
    public async Task<IReadOnlyList<string>> QueryAsync(string database, string sql)
    {
        await using var psql = new ChildProcess($"{Bin}/psql", ["-h", _directory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
            "-d", database, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]);
        var exit = await psql.WaitForExitAsync(TimeSpan.FromSeconds(30));
        exit.Should().Be(0, "psql -c \"{0}\" failed:\n{1}", sql, psql.Output);
        return psql.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await StopAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private string DataDirectory => Path.Combine(_directory, "data");

    private static string[] AsPostgres => ["--reuid=postgres", "--regid=postgres", "--init-groups", "--reset-env"];

    private static async Task RunAsync(string command, params string[] arguments)
    {
        await using var process = new ChildProcess(command, arguments);
        (await process.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, "{0} {1}:\n{2}", command, string.Join(' ', arguments), process.Output);
    }
}
