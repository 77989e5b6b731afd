using System.Net;

namespace PdnsImage.Tests;

/// <summary>
/// Two replicas on one database, two PATCHes at once on one RRSet: PowerDNS reads the RRSet and rewrites it in one
/// transaction, so under PostgreSQL's default READ COMMITTED the two interleave into a wrong set. The image runs
/// PowerDNS's transactions SERIALIZABLE, which turns that into an HTTP 500 for one of them, and a retry then succeeds.
/// </summary>
public sealed class PostgreSqlConcurrencyTests(TrixieImage host, PostgreSqlServer postgres) : IAsyncLifetime
{
    private const string Name = "_acme-challenge." + ImageServer.ExampleZone + ".";
    private const int Rounds = 30;
    private readonly ImageServer _first = new(host);
    private readonly ImageServer _second = new(host);
    private PostgreSqlDatabase? _database;

    public async ValueTask InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        foreach (var server in new[] { _first, _second })
        {
            await server.AddExampleZoneAsync();
            await server.UsePostgreSqlAsync(_database);
        }
    }

    [Fact]
    public async Task WithoutSerializableIsolationConcurrentPrunesThroughTwoReplicasCorruptTheRRSet()
    {
        foreach (var server in new[] { _first, _second })
        {
            // What gpgsql would do without the image's setting: the password file only, READ COMMITTED.
            server.Settings["PDNS_EXTRA_CONF"] = $"gpgsql-extra-connection-parameters=passfile={server.Settings["PDNS_CONFIG_DIR"]}/pgpass";
        }

        await StartBothAsync();
        var wrongSets = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            await PruneAAndBAtOnceAsync();
            if (await TxtRowsAsync() is not ["c"] and var rows)
            {
                wrongSets.Add("{" + string.Join(",", rows) + "}");
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"READ COMMITTED: {wrongSets.Count} of {Rounds} rounds left a wrong set: {string.Join(" ", wrongSets)}");
        wrongSets.Should().NotBeEmpty("two interleaved PRUNEs of {a,b,c} leave something other than {c}");
    }

    [Fact]
    public async Task WithSerializableIsolationAConflictingPatchFailsWith500AndARetrySucceedsWithoutCorruption()
    {
        await StartBothAsync();
        var conflicts = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var statuses = await PruneAAndBAtOnceAsync();
            statuses.Should().OnlyContain(s => s == HttpStatusCode.NoContent || s == HttpStatusCode.InternalServerError);
            conflicts += statuses.Count(s => s == HttpStatusCode.InternalServerError);
            await RetryAsync(_first, "a", statuses[0]);
            await RetryAsync(_second, "b", statuses[1]);
            (await TxtRowsAsync()).Should().Equal(["c"], "round {0}: {1}", round, _first);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"SERIALIZABLE: {conflicts} of {2 * Rounds} concurrent PATCHes failed with 500, 0 wrong sets after retries");
        conflicts.Should().BePositive("the PATCHes really overlapped");
        (await postgres.QueryAsync(_database!.Name, "SELECT count(*) FROM records WHERE type = 'SOA'")).Should().Equal("1");
        foreach (var server in new[] { _first, _second })
        {
            await Eventually.ReturnsAsync(() => new DnsProbe(server.DnsPort).TxtAsync(Name), a => a.Values is ["c"], TimeSpan.FromSeconds(15), server.ToString);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    private async Task StartBothAsync()
    {
        await _first.StartAndWaitForApiAsync();
        await _second.StartAndWaitForApiAsync();
    }

    /// <summary>Sets {a,b,c}, then removes a through one replica and b through the other at the same moment.</summary>
    private async Task<HttpStatusCode[]> PruneAAndBAtOnceAsync()
    {
        (await _first.PatchTxtAsync(Name, "REPLACE", "a", "b", "c")).Should().Be(HttpStatusCode.NoContent, _first.ToString());
        return await Task.WhenAll(_first.PatchTxtAsync(Name, "PRUNE", "a"), _second.PatchTxtAsync(Name, "PRUNE", "b"));
    }

    private static async Task RetryAsync(ImageServer server, string value, HttpStatusCode status)
    {
        for (var attempt = 0; status != HttpStatusCode.NoContent; attempt++)
        {
            attempt.Should().BeLessThan(5, server.ToString());
            status = await server.PatchTxtAsync(Name, "PRUNE", value);
        }
    }

    private async Task<IReadOnlyList<string>> TxtRowsAsync() =>
        [.. (await postgres.QueryAsync(_database!.Name, $"SELECT content FROM records WHERE name = '{Name.TrimEnd('.')}' AND type = 'TXT' ORDER BY content"))
            .Select(c => c.Trim('"'))];
}
