using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace PdnsImage.Tests;

/// <summary>The entrypoint's settings as a deployment gives them: the key from a mounted Secret, validation that fails fast, the API's client ACL.</summary>
public abstract class SettingsTests(ImageHost host)
{
    [Fact]
    public async Task TheApiKeyComesFromPdnsApiKeyFileAndAWrongKeyGets401()
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        await File.WriteAllTextAsync(host.HostPath($"{server.Dir}/api-key"), server.ApiKey + "\n");   // as a Secret file often is
        server.Settings.Remove("PDNS_API_KEY");
        server.Settings["PDNS_API_KEY_FILE"] = $"{server.Dir}/api-key";

        await server.StartAndWaitForApiAsync();
        using var wrongKey = server.Api("wrong-" + server.ApiKey);
        var refused = await wrongKey.GetAsync("/api/v1/servers/localhost");

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("PDNS_API_KEY", "")]
    [InlineData("PDNS_DNS_PORT", "70000")]
    [InlineData("PDNS_API_PORT", "http")]
    public async Task ABadSettingStopsTheEntrypointAtOnceNamingTheVariable(string variable, string value)
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        server.Settings[variable] = value;

        await server.StartAsync();
        var exit = await server.WaitForExitAsync();

        exit.Should().NotBe(0);
        server.Output.Should().Contain("entrypoint.sh: error: ").And.Contain(variable).And.NotContain("starting pdns_server");
    }

    [Fact]
    public async Task AnApiClientOutsideWebserverAllowFromIsDroppedWhileDnsStillAnswers()
    {
        await using var server = new ImageServer(host);
        await server.AddExampleZoneAsync();
        server.Settings["PDNS_WEBSERVER_ALLOW_FROM"] = "192.0.2.0/24";
        await server.StartAsync();
        // The API port accepts connections, so a failure below is the ACL's, not a server still starting.
        await Eventually.ReturnsAsync(ConnectToApiAsync, connected => connected, TimeSpan.FromSeconds(30), server.ToString);
        using var api = server.Api();

        var request = () => api.GetAsync("/api/v1/servers/localhost");

        await request.Should().ThrowAsync<HttpRequestException>();
        await Eventually.ReturnsAsync(
            () => Task.FromResult(server.Output), o => o.Contains("does not match the set ACL", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        (await server.Dns(tcp: true).QueryAsync(ImageServer.ExampleZone, QueryType.SOA)).Answers.SoaRecords().Should().ContainSingle();

        async Task<bool> ConnectToApiAsync()
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, server.ApiPort);
            return true;
        }
    }
}

public sealed class SettingsOnPowerDns49(TrixieImage host) : SettingsTests(host);

public sealed class SettingsOnPowerDns47(DebianHost host) : SettingsTests(host);
