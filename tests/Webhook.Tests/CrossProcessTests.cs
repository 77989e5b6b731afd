using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>
/// Two webhook replicas share one PowerDNS, and no in-process lock spans them: on a server with EXTEND/PRUNE (the
/// bundled image's 4.9.18) their concurrent edits of one name must still lose nothing.
/// </summary>
public sealed class CrossProcessTests(TrixiePowerDnsServer pdns) : IAsyncLifetime
{
    private readonly Certificates _pki = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("replicas-").FullName;
    private WebhookProcess _first = null!;
    private WebhookProcess _second = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "secrets", "cert-manager", "pdns"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "secrets", "cert-manager", "pdns", "api-key"), pdns.ApiKey);
        var started = await Task.WhenAll(
            WebhookReplica.StartAsync(_pki, Path.Combine(_directory, "secrets")),
            WebhookReplica.StartAsync(_pki, Path.Combine(_directory, "secrets")));
        (_first, _second) = (started[0], started[1]);
    }

    public async ValueTask DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AHundredKeysOnOneNameSplitBetweenTwoReplicasAreAllServedThenAllRemoved()
    {
        var name = WebhookHarness.UniqueName();
        var config = new JsonObject { ["host"] = pdns.ApiUrl.ToString(), ["apiKeySecretRef"] = new JsonObject { ["name"] = "pdns", ["key"] = "api-key" } };
        var keys = Enumerable.Range(0, 100).Select(i => $"key-{i:000}-{Guid.NewGuid():N}").ToList();
        WebhookProcess ReplicaFor(int i) => i % 2 == 0 ? _first : _second;

        var presents = await Task.WhenAll(keys.Select((key, i) => ReplicaFor(i).SolveAsync("Present", name, key, config)));
        var served = await new DnsProbe(pdns.DnsPort, useTcp: true).TxtAsync(name);
        var cleanUps = await Task.WhenAll(keys.Select((key, i) => ReplicaFor(i + 1).SolveAsync("CleanUp", name, key, config)));
        var after = await new DnsProbe(pdns.DnsPort, useTcp: true).TxtAsync(name);

        presents.Where(r => !r.Success).Should().BeEmpty();
        served.Values.Should().BeEquivalentTo(keys);
        cleanUps.Where(r => !r.Success).Should().BeEmpty();
        after.IsNxDomain.Should().BeTrue(after.ToString());
    }
}
