using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>The executable as the DNS-01 hook of lego, dehydrated and certbot: the same solver, judged by DNS answers.</summary>
public sealed class HookModeTests(DebianPowerDnsServer pdns) : IDisposable
{
    private readonly string _secrets = Directory.CreateTempSubdirectory("hook-secrets-").FullName;

    private Dictionary<string, string> Environment(string? apiKey = null, Uri? host = null)
    {
        Directory.CreateDirectory(Path.Combine(_secrets, "default", "pdns"));
        File.WriteAllText(Path.Combine(_secrets, "default", "pdns", "api-key"), apiKey ?? pdns.ApiKey);
        var config = new JsonObject { ["host"] = (host ?? pdns.ApiUrl).ToString(), ["apiKeySecretRef"] = new JsonObject { ["name"] = "pdns", ["key"] = "api-key" } };
        return new() { ["PDNS_WEBHOOK_CONFIG"] = config.ToJsonString(), ["PDNS_WEBHOOK_SECRETS_DIR"] = _secrets };
    }

    private static async Task<(int Exit, string Output)> HookAsync(Dictionary<string, string> environment, params string[] args)
    {
        await using var hook = new ChildProcess("dotnet", [Path.Combine(AppContext.BaseDirectory, "pdns-webhook.dll"), .. args], environment);
        var exit = await hook.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, hook.Output);
    }

    private static string UniqueDomain() => $"t{Guid.NewGuid():N}.example.test";

    [Fact]
    public async Task LegoExecPresentAndCleanUpTheFqdnItPasses()
    {
        var domain = UniqueDomain();
        var environment = Environment();

        var present = await HookAsync(environment, "present", $"_acme-challenge.{domain}.", "lego-value");
        var served = await new DnsProbe(pdns.DnsPort).TxtAsync($"_acme-challenge.{domain}.");
        var cleanUp = await HookAsync(environment, "cleanup", $"_acme-challenge.{domain}.", "lego-value");

        present.Exit.Should().Be(0, present.Output);
        served.Values.Should().Equal("lego-value");
        cleanUp.Exit.Should().Be(0, cleanUp.Output);
        (await new DnsProbe(pdns.DnsPort).TxtAsync($"_acme-challenge.{domain}.")).IsNxDomain.Should().BeTrue();
    }

    [Fact]
    public async Task DehydratedChainedChallengesForApexAndWildcardAreServedTogether()
    {
        var domain = UniqueDomain();
        var environment = Environment();

        // Settings may follow the triples as flags: they are not a third triple.
        var deploy = await HookAsync(environment, "deploy_challenge", domain, "token-1", "apex-value", domain, "token-2", "wildcard-value",
            "--secrets-dir", _secrets, "--namespace", "default");
        var served = await new DnsProbe(pdns.DnsPort).TxtAsync($"_acme-challenge.{domain}.");
        var other = await HookAsync(environment, "deploy_cert", domain, "key.pem", "cert.pem", "fullchain.pem", "chain.pem", "1700000000");
        var probe = await HookAsync(environment, "this_hookscript_is_broken__dehydrated_is_working_fine__please_ignore_unknown_hooks_in_your_script");
        var clean = await HookAsync(environment, "clean_challenge", domain, "token-1", "apex-value", domain, "token-2", "wildcard-value");

        deploy.Exit.Should().Be(0, deploy.Output);
        served.Values.Should().BeEquivalentTo("apex-value", "wildcard-value");
        other.Exit.Should().Be(0, "dehydrated's other events need nothing: {0}", other.Output);
        probe.Exit.Should().Be(0, "dehydrated refuses to run with a hook that fails an unknown event: {0}", probe.Output);
        clean.Exit.Should().Be(0, clean.Output);
        (await new DnsProbe(pdns.DnsPort).TxtAsync($"_acme-challenge.{domain}.")).IsNxDomain.Should().BeTrue();
    }

    [Fact]
    public async Task OneCallWithSeveralChallengesWritesThemInOnePatch()
    {
        // dehydrated's HOOK_CHAIN passes every challenge of an order in one call: the solver's group commit writes them
        // together, one PATCH for the deploy and one for the clean-up, as a burst through the server.
        await using var counting = await ApiProxy.StartPlainAsync(pdns);
        var environment = Environment(host: counting.Url);
        var domains = Enumerable.Range(0, 4).Select(_ => UniqueDomain()).ToList();
        var triples = domains.SelectMany(domain => new[] { domain, "token", $"value-of-{domain}" }).ToArray();

        var deploy = await HookAsync(environment, ["deploy_challenge", .. triples]);
        var patchesToDeploy = counting.Patches;
        var served = await Task.WhenAll(domains.Select(domain => new DnsProbe(pdns.DnsPort).TxtAsync($"_acme-challenge.{domain}.")));
        var clean = await HookAsync(environment, ["clean_challenge", .. triples]);

        deploy.Exit.Should().Be(0, deploy.Output);
        served.Select(answer => answer.Values.Single()).Should().Equal(domains.Select(domain => $"value-of-{domain}"));
        patchesToDeploy.Should().Be(1, "four challenges pending together are one write");
        clean.Exit.Should().Be(0, clean.Output);
        (counting.Patches - patchesToDeploy).Should().Be(1);
    }

    [Fact]
    public async Task CertbotManualHooksReadItsVariables()
    {
        var domain = UniqueDomain();
        var environment = Environment();
        environment["CERTBOT_DOMAIN"] = domain;
        environment["CERTBOT_VALIDATION"] = "certbot-value";

        var auth = await HookAsync(environment, "certbot-auth");
        var served = await new DnsProbe(pdns.DnsPort).TxtAsync($"_acme-challenge.{domain}.");
        var cleanup = await HookAsync(environment, "certbot-cleanup");

        auth.Exit.Should().Be(0, auth.Output);
        served.Values.Should().Equal("certbot-value");
        cleanup.Exit.Should().Be(0, cleanup.Output);
    }

    [Fact]
    public async Task ViaARunningWebhookTheHookActsAsCertManagerAndTheAggregator()
    {
        using var pki = new Certificates();
        var clientCert = Path.Combine(_secrets, "client.crt");
        var clientKey = Path.Combine(_secrets, "client.key");
        var servingCa = Path.Combine(_secrets, "serving-ca.crt");
        await File.WriteAllTextAsync(clientCert, pki.FrontProxyClient.ExportCertificatePem());
        await File.WriteAllTextAsync(clientKey, pki.FrontProxyClient.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(servingCa, pki.ServingCa.CaPem);
        var environment = Environment();
        await using var server = await WebhookReplica.StartAsync(pki, _secrets);
        var domain = UniqueDomain();
        string[] via = ["--via", $"https://localhost:{server.Port}", "--client-cert", clientCert, "--client-key", clientKey, "--ca-file", servingCa,
            "--group-name", WebhookHarness.Group, "--namespace", "default"];

        var present = await HookAsync(environment, ["present", $"_acme-challenge.{domain}.", "via-value", .. via]);
        var served = await new DnsProbe(pdns.DnsPort).TxtAsync($"_acme-challenge.{domain}.");
        var anonymous = await HookAsync(environment, ["present", $"_acme-challenge.{domain}.", "via-value", .. via[..2], .. via[6..]]);

        present.Exit.Should().Be(0, present.Output);
        served.Values.Should().Equal("via-value");
        anonymous.Exit.Should().Be(1);
        anonymous.Output.Should().Contain("403");
    }

    [Fact]
    public async Task AFailureExitsNonZeroSayingWhatToFix()
    {
        var wrongKey = await HookAsync(Environment("wrong-key"), "present", $"_acme-challenge.{UniqueDomain()}.", "v");
        var noConfig = await HookAsync(new() { ["PDNS_WEBHOOK_SECRETS_DIR"] = _secrets }, "present", $"_acme-challenge.{UniqueDomain()}.", "v");
        var notServed = await HookAsync(Environment(), "present", "_acme-challenge.nowhere.invalid.", "v");

        wrongKey.Exit.Should().Be(1);
        wrongKey.Output.Should().Contain("401").And.NotContain("wrong-key");
        noConfig.Exit.Should().Be(1);
        noConfig.Output.Should().Contain("PDNS_WEBHOOK_CONFIG");
        notServed.Exit.Should().Be(1);
        notServed.Output.Should().Contain("has no zone holding '_acme-challenge.nowhere.invalid.'");
    }

    public void Dispose() => Directory.Delete(_secrets, recursive: true);
}
