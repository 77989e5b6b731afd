using System.Net;
using System.Text;
using DnsClient;

namespace PdnsImage.Tests;

/// <summary>
/// What a deployment relies on besides the other settings and zone tests: an empty key file is refused, the key never
/// reaches the logs, and an empty volume with no zone files mounted starts from the image's seed, or empty without one.
/// </summary>
public abstract class KeyAndSeedTests(ImageHost host)
{
    [Fact]
    public async Task AnEmptyApiKeyFileStopsTheEntrypointAtOnceNamingTheVariable()
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await File.WriteAllTextAsync(host.HostPath($"{server.Dir}/api-key"), "");   // a Secret whose key holds nothing
        server.Settings.Remove("PDNS_API_KEY");
        server.Settings["PDNS_API_KEY_FILE"] = $"{server.Dir}/api-key";

        await server.StartAsync();
        var exit = await server.WaitForExitAsync();

        exit.Should().NotBe(0);
        server.Output.Should().Contain("entrypoint.sh: error: PDNS_API_KEY_FILE").And.Contain("is empty").And.NotContain("starting pdns_server");
    }

    [Fact]
    public async Task TheApiKeyIsNeverInTheOutputOfAStartAWriteARefusedCallAndAStop()
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await server.StartAndWaitForApiAsync();
        using (var api = server.Api())
        {
            var patch = await api.PatchAsync($"/api/v1/servers/localhost/zones/{ImageServer.ExampleZone}.", new StringContent($$"""
                {"rrsets": [{"name": "_acme-challenge.{{ImageServer.ExampleZone}}.", "type": "TXT", "ttl": 60, "changetype": "REPLACE",
                             "records": [{"content": "\"a value\"", "disabled": false}]}]}
                """, Encoding.UTF8, "application/json"));
            patch.StatusCode.Should().Be(HttpStatusCode.NoContent, await patch.Content.ReadAsStringAsync());
        }

        using (var wrongKey = server.Api("wrong-key"))
        {
            (await wrongKey.GetAsync("/api/v1/servers/localhost")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        await server.StopAsync();

        var output = server.ToString();
        output.Should().Contain("starting pdns_server");
        // A failure message must not spread the key either: it shows the output with the key masked.
        output.Contains(server.ApiKey, StringComparison.Ordinal).Should().BeFalse(
            "the key must appear nowhere in the output (masked here):\n{0}", output.Replace(server.ApiKey, "<the API key>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithNoZoneFilesAnEmptyVolumeGetsTheSeedBuiltFromTheImagesZones()
    {
        await using var server = new ImageServer(host);
        Directory.Delete(host.HostPath($"{server.Dir}/zones"));
        await BuildSeedBesideTheEntrypointAsync(server);

        await server.StartAndWaitForApiAsync();

        (await server.QueryAsync("SELECT name FROM domains")).Should().Equal(ImageServer.ExampleZone);
        var soa = await server.Dns().QueryAsync(ImageServer.ExampleZone, QueryType.SOA);
        soa.Answers.SoaRecords().Should().ContainSingle(server.ToString());
        server.Output.Should().Contain("from the seed");
    }

    [Fact]
    public async Task WithNoZoneFilesAndNoSeedAnEmptyVolumeStartsWithNoZones()
    {
        await using var server = new ImageServer(host);
        Directory.Delete(host.HostPath($"{server.Dir}/zones"));

        await server.StartAndWaitForApiAsync();

        (await server.QueryAsync("SELECT count(*) FROM domains")).Should().Equal("0");
        server.Output.Should().Contain("from the packaged schema");
    }

    // As the Dockerfile does: build-seed.sh turns the image's zones/ into seed.sqlite3 beside entrypoint.sh, where the
    // entrypoint looks for it by default. Built in this server's own directory, as its user.
    private async Task BuildSeedBesideTheEntrypointAsync(ImageServer server)
    {
        var scripts = host.HostPath($"{server.Dir}/pdns-image");
        File.Copy(Path.Combine(Repository.PdnsImage, "build-seed.sh"), Path.Combine(scripts, "build-seed.sh"));
        Directory.CreateDirectory(Path.Combine(scripts, "zones"));
        foreach (var file in Directory.GetFiles(Path.Combine(Repository.PdnsImage, "zones")))
        {
            File.Copy(file, Path.Combine(scripts, "zones", Path.GetFileName(file)));
        }

        await host.GiveToServerUserAsync(server.Dir);
        var environment = new Dictionary<string, string> { ["PATH"] = server.Settings["PATH"] };
        await using var build = host.Run(environment, "/bin/bash", $"{server.Dir}/pdns-image/build-seed.sh",
            $"{server.Dir}/pdns-image/seed.sqlite3", $"{server.Dir}/pdns-image/zones");
        (await build.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, build.Output);
    }
}

public sealed class KeyAndSeedOnPowerDns49(TrixieImage host) : KeyAndSeedTests(host);

public sealed class KeyAndSeedOnPowerDns47(DebianHost host) : KeyAndSeedTests(host);
