using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>
/// Two webhook processes writing one name through PowerDNS 4.9.18 instances on one PostgreSQL database, READ COMMITTED
/// as gpgsql has it: each round, two CleanUps of the last round's values and two Presents of new ones, all at once, each
/// process doing one of each. PowerDNS's PATCH reads the RRSet and rewrites it in one transaction, even for EXTEND and
/// PRUNE, so PATCHes from two processes at once interleave into wrong sets and duplicate rows (PowerDNS issue 7128)
/// unless a Lease keeps them apart. Judged from the database's rows and from the DNS answers of every instance the
/// Issuer names (<c>host</c>'s alone without <c>instances</c>).
/// </summary>
public sealed class PostgreSqlReplicaTests(PostgreSqlPowerDns pdns) : IAsyncLifetime
{
    private const int Rounds = 30;
    private ReplicaPair _pair = null!;

    public async ValueTask InitializeAsync() => _pair = await ReplicaPair.CreateAsync(pdns.ApiKey);

    public ValueTask DisposeAsync() => _pair.DisposeAsync();

    [Fact]
    public async Task WithLeasesTwoProcessesKeepTheSetRightThroughThirtyRoundsAndLeaveNothingBehind()
    {
        var replicas = await _pair.StartTwoAsync(_pair.LeaseFlags);

        var rounds = await RoundsAsync(replicas, instances: [.. pdns.Addresses.Take(2)], enough: _ => true);

        Report("with leases and instances", rounds, await LockWaits.DescribeAsync(replicas));
        rounds.Where(r => !r.Right).Should().BeEmpty("a Lease keeps the processes' PATCHes apart: {0}", string.Join("\n", rounds));
        _pair.Kube.Leases.Reads.Should().BeGreaterThan(0, "the lock is the Lease");
    }

    // Without instances too: a value a race resurrects would hold its CleanUp for the whole deadline (25 s), waiting for
    // the instances to drop it, which costs time and shows nothing the rows do not.
    [Fact]
    public async Task WithoutLeasesTwoProcessesLeaveWrongSetsOrDuplicateRows()
    {
        var replicas = await _pair.StartTwoAsync();

        // Races are likelier on a busy machine: on a quiet one, up to three times as many rounds until one shows.
        var rounds = await RoundsAsync(replicas, instances: [], enough: done => done.Any(r => r.Wrong || r.Duplicates > 0) || done.Count == 3 * Rounds);

        Report("without leases or instances", rounds, await LockWaits.DescribeAsync(replicas));
        rounds.Should().Contain(r => r.Wrong || r.Duplicates > 0, "PATCHes from two processes at once interleave: {0}", string.Join("\n", rounds));
    }


    // Rounds on one fresh name, at least Rounds and until enough, then a last one that only cleans up. A round that leaves
    // the set wrong is set right through the API, so that each round starts from the set it expects and counts only its
    // own damage.
    private async Task<List<Round>> RoundsAsync(WebhookProcess[] replicas, IReadOnlyList<IPAddress> instances, Func<List<Round>, bool> enough)
    {
        var config = new JsonObject { ["host"] = pdns.ApiUrl.ToString(), ["apiKeySecretRef"] = new JsonObject { ["name"] = "pdns", ["key"] = "api-key" } };
        if (instances.Count > 0)
        {
            config["instances"] = new JsonArray([.. instances.Select(a => JsonValue.Create(a.ToString()))]);
            config["dnsPort"] = pdns.DnsPort;
        }

        var rounds = new List<Round> { new(WebhookHarness.UniqueName(), 0, [], [], [], 0) };
        while (rounds.Count <= Rounds || !enough(rounds[1..]))
        {
            rounds.Add(await RoundAsync(replicas, instances, config, rounds[^1], [$"r{rounds.Count:00}a", $"r{rounds.Count:00}b"]));
        }

        rounds.Add(await RoundAsync(replicas, instances, config, rounds[^1], []));
        return rounds[1..];
    }

    // Removes the previous round's values and adds next, all at once: each process cleans up a value the other one
    // presented, and presents one.
    private async Task<Round> RoundAsync(WebhookProcess[] replicas, IReadOnlyList<IPAddress> instances, JsonObject config, Round previous, string[] next)
    {
        var number = previous.Number + 1;
        var results = await Task.WhenAll(previous.Expected.Select((value, i) => replicas[(number + i) % 2].SolveAsync("CleanUp", previous.Name, value, config))
            .Concat(next.Select((value, i) => replicas[(number + i) % 2].SolveAsync("Present", previous.Name, value, config))));
        var answers = await Task.WhenAll((instances.Count > 0 ? instances : [pdns.Addresses[0]]).Select(a => new DnsProbe(pdns.DnsPort, address: a).TxtAsync(previous.Name)));
        var round = new Round(previous.Name, number, next, await pdns.TxtRowsAsync(previous.Name), answers, results.Count(r => !r.Success));
        if (round.Wrong || round.Duplicates > 0)
        {
            await ReplaceAsync(round.Name, round.Expected);
        }

        return round;
    }

    private async Task ReplaceAsync(string name, IReadOnlyList<string> values)
    {
        var records = new JsonArray([.. values.Select(v => new JsonObject { ["content"] = $"\"{v}\"", ["disabled"] = false })]);
        var rrset = new JsonObject { ["name"] = name, ["type"] = "TXT", ["ttl"] = 60, ["changetype"] = "REPLACE", ["records"] = records };
        using var api = pdns.Api();
        using var response = await api.PatchAsJsonAsync("/api/v1/servers/localhost/zones/example.test.", new JsonObject { ["rrsets"] = new JsonArray(rrset) });
        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
    }

    private static void Report(string setup, List<Round> rounds, string lockWaits) => TestContext.Current.TestOutputHelper?.WriteLine(
        $"{setup}: {rounds.Count} rounds, {rounds.Count(r => r.Wrong)} wrong sets, {rounds.Sum(r => r.Duplicates)} duplicate rows, "
        + $"{rounds.Sum(r => r.Lost)} lost values, {rounds.Sum(r => r.WrongAnswers)} wrong answers, {rounds.Sum(r => r.Failed)} failed calls; {lockWaits}\n"
        + string.Join("\n", rounds.Where(r => !r.Right)));

    /// <summary>
    /// A round's outcome. Wrong: the database's values are not the round's; Duplicates: rows beyond one per value; Lost:
    /// the round's values the database lacks; WrongAnswers: instances answering another set; Failed: calls that failed.
    /// </summary>
    private sealed record Round(string Name, int Number, IReadOnlyList<string> Expected, IReadOnlyList<string> Rows, IReadOnlyList<TxtAnswer> Answers, int Failed)
    {
        public bool Wrong => !Rows.Distinct().Order().SequenceEqual(Expected.Order());

        public int Duplicates => Rows.Count - Rows.Distinct().Count();

        public int Lost => Expected.Except(Rows).Count();

        public int WrongAnswers => Answers.Count(a => !a.Values.Order().SequenceEqual(Expected.Order()));

        public bool Right => !Wrong && Duplicates == 0 && Lost == 0 && WrongAnswers == 0 && Failed == 0;

        public override string ToString() =>
            $"round {Number}: rows [{string.Join(", ", Rows)}] for [{string.Join(", ", Expected)}], answers {string.Join(" ", Answers)}, {Failed} calls failed";
    }
}
