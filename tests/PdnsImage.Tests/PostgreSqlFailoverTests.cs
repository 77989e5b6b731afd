using System.Diagnostics;
using System.Net;

namespace PdnsImage.Tests;

/// <summary>
/// PostgreSQL going away under three serving replicas, as in a failover or a restart of the database: what DNS answers
/// meanwhile, and that every replica answers again once it is back. The timeline goes to the test output.
/// </summary>
public sealed class PostgreSqlFailoverTests(TrixieImage host)
{
    private const string Name = "_acme-challenge." + ImageServer.ExampleZone + ".";
    private const string Value = "written before the outage";
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task WhilePostgreSqlIsDownNoReplicaGivesAWrongAnswerAndAllAnswerAgainOnceItIsBack()
    {
        await using var postgres = new PostgreSqlServer();   // its own: this test stops it
        await postgres.InitializeAsync();
        var database = await postgres.CreateDatabaseAsync();
        var replicas = new[] { new ImageServer(host), new ImageServer(host), new ImageServer(host) };
        try
        {
            foreach (var replica in replicas)
            {
                await replica.AddExampleZoneAsync();
                await replica.UsePostgreSqlAsync(database);
                await replica.StartAndWaitForApiAsync();
            }

            (await replicas[0].PatchTxtAsync(Name, "REPLACE", Value)).Should().Be(HttpStatusCode.NoContent, replicas[0].ToString());
            foreach (var replica in replicas)
            {
                await Eventually.ReturnsAsync(() => new DnsProbe(replica.DnsPort).TxtAsync(Name), a => a.Values is [Value], TimeSpan.FromSeconds(15), replica.ToString);
            }

            await postgres.StopAsync();
            var during = await SampleAsync(replicas, Outage);
            await postgres.StartAsync();
            var after = await SampleUntilAllAnswerAsync(replicas, TimeSpan.FromSeconds(60));

            Report(during, after);
            during.Should().OnlyContain(s => s.Answer == Value || s.Answer == "ServerFailure" || s.Answer == "no answer", "an outage must never produce a wrong or negative answer");
            after.Should().NotBeNull("every replica answers again within 60 s of PostgreSQL being back:\n{0}", string.Join('\n', replicas.Select(r => r.ToString())));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    private static async Task<List<Sample>> SampleAsync(ImageServer[] replicas, TimeSpan window)
    {
        var samples = new List<Sample>();
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(250));   // the sampling rate, not a synchronisation
        while (clock.Elapsed < window && await tick.WaitForNextTickAsync())
        {
            samples.AddRange(await Task.WhenAll(replicas.Select((r, i) => AskAsync(r, i, clock.Elapsed))));
        }

        return samples;
    }

    /// <summary>Samples until every replica gives the value; null if that does not happen within <paramref name="limit"/>.</summary>
    private static async Task<List<Sample>?> SampleUntilAllAnswerAsync(ImageServer[] replicas, TimeSpan limit)
    {
        var samples = new List<Sample>();
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (await tick.WaitForNextTickAsync())
        {
            var round = await Task.WhenAll(replicas.Select((r, i) => AskAsync(r, i, clock.Elapsed)));
            samples.AddRange(round);
            if (round.All(s => s.Answer == Value))
            {
                return samples;
            }

            if (clock.Elapsed > limit)
            {
                return null;
            }
        }

        return samples;
    }

    private static async Task<Sample> AskAsync(ImageServer replica, int index, TimeSpan at)
    {
        try
        {
            var answer = await new DnsProbe(replica.DnsPort).TxtAsync(Name);
            return new Sample(index, at, answer.Values is [var value] ? value : answer.Code.ToString());
        }
        catch (DnsClient.DnsResponseException)
        {
            return new Sample(index, at, "no answer");
        }
    }

    /// <summary>Per replica: each run of equal answers and when it started, e.g. "0.0 s value, 5.1 s ServerFailure".</summary>
    private static void Report(List<Sample> during, List<Sample>? after)
    {
        var output = TestContext.Current.TestOutputHelper;
        foreach (var (phase, samples) in new[] { ("PostgreSQL stopped", during), ("PostgreSQL back", after ?? []) })
        {
            foreach (var replica in samples.GroupBy(s => s.Replica))
            {
                var runs = replica.Where((s, i) => i == 0 || replica.ElementAt(i - 1).Answer != s.Answer).Select(s => $"{s.At.TotalSeconds:F1} s {s.Answer}");
                output?.WriteLine($"{phase}, replica {replica.Key}: {string.Join(", ", runs)}");
            }
        }
    }

    private sealed record Sample(int Replica, TimeSpan At, string Answer);
}
