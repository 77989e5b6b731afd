using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>
/// Two webhook processes against PowerDNS 4.7.3, which has no EXTEND/PRUNE: each write reads the RRSet, then replaces
/// it, so two processes writing one name at once lose each other's values unless a Lease serialises them.
/// Judged from what PowerDNS holds and what it serves.
/// </summary>
public sealed class CrossProcessLeaseTests(DebianPowerDnsServer pdns) : IAsyncLifetime
{
    private const int Values = 100;
    private ReplicaPair _pair = null!;

    public async ValueTask InitializeAsync() => _pair = await ReplicaPair.CreateAsync(pdns.ApiKey);

    public ValueTask DisposeAsync() => _pair.DisposeAsync();

    [Fact]
    public async Task WithLeasesTwoProcessesLoseNoneOfAHundredConcurrentValuesOnOneName()
    {
        var replicas = await _pair.StartTwoAsync(_pair.LeaseFlags);

        var rounds = new List<Round>();
        for (var i = 0; i < 3; i++)
        {
            rounds.Add(await RoundAsync(replicas));
        }

        var wait = await LockWaits.DescribeAsync(replicas);
        TestContext.Current.TestOutputHelper?.WriteLine($"with leases: {string.Join("; ", rounds)}; {wait}");
        rounds.Should().AllSatisfy(r => r.Should().Be(new Round(Values, 0, 0, 0, 0)));
        _pair.Kube.Leases.Reads.Should().BeGreaterThan(0, "the lock is the Lease: {0}", wait);
    }

    [Fact]
    public async Task WithoutLeasesTwoProcessesLoseValuesOrLeaveThemBehind()
    {
        var replicas = await _pair.StartTwoAsync();

        var rounds = new List<Round>();
        while (rounds.Count < 5 && rounds.Sum(r => r.Lost + r.Left) == 0)
        {
            rounds.Add(await RoundAsync(replicas));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"without leases: {string.Join("; ", rounds)}");
        rounds.Sum(r => r.Lost + r.Left).Should().BeGreaterThan(0, "read-modify-write from two processes races: {0}", string.Join("; ", rounds));
    }


    // 100 Presents of distinct values on one fresh name, alternating between the processes, then 100 CleanUps.
    private async Task<Round> RoundAsync(WebhookProcess[] replicas)
    {
        var name = WebhookHarness.UniqueName();
        var config = new JsonObject { ["host"] = pdns.ApiUrl.ToString(), ["apiKeySecretRef"] = new JsonObject { ["name"] = "pdns", ["key"] = "api-key" } };
        var keys = Enumerable.Range(0, Values).Select(i => $"key-{i:000}-{Guid.NewGuid():N}").ToList();

        var presents = await Task.WhenAll(keys.Select((key, i) => replicas[i % 2].SolveAsync("Present", name, key, config)));
        var held = await StoredAsync(name);
        var served = await new DnsProbe(pdns.DnsPort, useTcp: true).TxtAsync(name);
        var cleanUps = await Task.WhenAll(keys.Select((key, i) => replicas[(i + 1) % 2].SolveAsync("CleanUp", name, key, config)));
        var left = await StoredAsync(name);

        var succeeded = keys.Where((_, i) => presents[i].Success).ToList();
        return new Round(
            succeeded.Count,
            succeeded.Count(k => !held.Contains(k)),
            succeeded.Count(k => !served.Values.Contains(k)),
            Values - cleanUps.Count(c => c.Success),
            left.Count);
    }

    private async Task<HashSet<string>> StoredAsync(string name)
    {
        using var api = pdns.Api();
        var zone = await api.GetFromJsonAsync<JsonObject>($"/api/v1/servers/localhost/zones/example.test.?rrset_name={name}&rrset_type=TXT");
        return [.. zone!["rrsets"]!.AsArray()
            .Where(r => r!["name"]!.GetValue<string>() == name && r["type"]!.GetValue<string>() == "TXT")
            .SelectMany(r => r!["records"]!.AsArray()).Select(r => r!["content"]!.GetValue<string>().Trim('"'))];
    }

    /// <summary>
    /// Lost: Presents that succeeded whose value PowerDNS does not hold (NotServed: does not serve over DNS); Left: values
    /// PowerDNS still holds after every CleanUp succeeded.
    /// </summary>
    private sealed record Round(int Presented, int Lost, int NotServed, int FailedCleanUps, int Left);
}
