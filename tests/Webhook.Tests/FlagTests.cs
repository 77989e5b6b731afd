namespace Webhook.Tests;

/// <summary>A misspelt flag must stop the start: ignored, --tls-cert-fil would serve a self-signed certificate the aggregator distrusts.</summary>
public sealed class FlagTests
{
    [Fact]
    public async Task AnUnknownFlagStopsTheStartNamingIt()
    {
        await using var webhook = new ChildProcess("dotnet", [Path.Combine(AppContext.BaseDirectory, "pdns-webhook.dll"), "--group-name", "acme.example.test", "--tls-cert-fil=/tls/tls.crt"]);

        var exit = await webhook.WaitForExitAsync(TimeSpan.FromSeconds(30));

        exit.Should().Be(2);
        webhook.Output.Should().Contain("unknown flag(s) --tls-cert-fil");
    }
}
