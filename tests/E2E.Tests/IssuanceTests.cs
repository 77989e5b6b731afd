using System.Security.Cryptography.X509Certificates;

namespace E2E.Tests;

/// <summary>
/// Real certificates from a real ACME CA: one order for <c>*.D</c> and <c>D</c> per client and PowerDNS version, the
/// webhook executable solving DNS-01 as each client's hook, Pebble validating against PowerDNS.
/// </summary>
public sealed class IssuanceTests(AcmeStack473 v473, AcmeStack4918 v4918)
{
    public static TheoryData<string> Versions => ["4.7.3", "4.9.18"];

    [Theory, MemberData(nameof(Versions))]
    public async Task LegoExecWithTheHookEditingPowerDnsDirectly(string version)
    {
        var stack = Stack(version);
        using var run = new AcmeRun(stack);

        var lego = await run.LegoAsync();

        await ShouldHaveIssuedAsync(stack, run, lego);
        // lego solves one authorization at a time: each value was up, alone, while validated.
        run.Events.ServedBeforeCleanUp.Should().HaveCount(2);
        run.Events.ServedBeforeCleanUp.Zip(run.Events.CleanedUp).Should().OnlyContain(p => p.First.SetEquals(new[] { p.Second }), run.Events.ToString());
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task DehydratedWithTheHookEditingPowerDnsDirectly(string version)
    {
        var stack = Stack(version);
        using var run = new AcmeRun(stack);

        var dehydrated = await run.DehydratedAsync();

        await ShouldHaveIssuedAsync(stack, run, dehydrated);
        ShouldHaveServedBothValuesTogether(run.Events);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task CertbotWithTheHookCallingTheWebhookServer(string version)
    {
        var stack = Stack(version);
        using var run = new AcmeRun(stack);
        await using var server = await WebhookServer.StartAsync(run.SecretsDirectory);

        var certbot = await run.CertbotAsync(server.Via);

        await ShouldHaveIssuedAsync(stack, run, certbot);
        ShouldHaveServedBothValuesTogether(run.Events);
        server.ToString().Should().Contain($"Present of TXT at {run.Fqdn}", "the server, not the hook, edited PowerDNS");
        certbot.Output.Should().NotContain("error output", "certbot reports a hook's stderr as errors, so success goes to stdout");
    }

    private AcmeStack Stack(string version)
    {
        AcmeStack stack = version == "4.7.3" ? v473 : v4918;
        stack.PowerDns.Version.Should().Be(version);
        return stack;
    }

    // The certificate chains to Pebble's root, names exactly *.D and D, the solver ran for both authorizations (Pebble
    // reuses none), every value it put up was taken down, and the name is gone from DNS.
    private static async Task ShouldHaveIssuedAsync(AcmeStack stack, AcmeRun run, ClientRun client)
    {
        client.Exit.Should().Be(0, "the client should get its certificate; {0}\nhook events:\n{1}", client, run.Events);
        var chain = client.Chain();
        var leaf = chain[0];
        using var verify = new X509Chain();
        verify.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        verify.ChainPolicy.CustomTrustStore.Add(stack.Pebble.Root);
        verify.ChainPolicy.ExtraStore.AddRange(chain);
        verify.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        verify.Build(leaf).Should().BeTrue(string.Join("; ", verify.ChainStatus.Select(s => s.StatusInformation)));
        leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames()
            .Should().BeEquivalentTo("*." + run.Domain, run.Domain);

        var events = run.Events;
        events.Presented.Should().HaveCount(2).And.OnlyHaveUniqueItems(events.ToString());
        events.CleanedUp.Should().BeEquivalentTo(events.Presented, events.ToString());
        (await new DnsProbe(stack.PowerDns.DnsPort).TxtAsync(run.Fqdn)).IsNxDomain.Should().BeTrue("CleanUp removes the last value and the name");
    }

    // certbot and dehydrated put every value up before asking for validation: both were served at once.
    private static void ShouldHaveServedBothValuesTogether(HookEvents events) =>
        events.ServedBeforeCleanUp[0].Should().BeEquivalentTo(events.Presented, events.ToString());
}
