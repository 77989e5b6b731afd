namespace Webhook.Tests;

/// <summary>
/// A flag that cannot work must stop the start and say why: ignored, --tls-cert-fil would serve a self-signed certificate
/// the aggregator distrusts.
/// </summary>
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

    [Fact]
    public async Task AFileThatCannotBeReadStopsTheStartWithOneLineNamingIt()
    {
        using var pki = new Certificates();
        var missing = Path.Combine(Path.GetTempPath(), $"no-front-proxy-ca-{Guid.NewGuid():N}.crt");
        var options = WebhookProcessOptions.OutsideCluster(pki, "acme.example.test", Path.GetTempPath()) with { FrontProxyCaFile = missing };
        var commandLine = options.CommandLine(Ports.GetFree()).ToArray();
        await using var webhook = new ChildProcess(commandLine[0], commandLine[1..]);

        var exit = await webhook.WaitForExitAsync(TimeSpan.FromSeconds(30));

        exit.Should().Be(1, "a start that fails is not a crash: {0}", webhook);
        webhook.StandardError.TrimEnd().Should().Be($"pdns-webhook: could not start: Could not find file '{missing}'.");
        webhook.Output.Should().NotContain("Unhandled exception").And.NotContain("BackgroundService failed", "no service failed; the start did");
    }
}
