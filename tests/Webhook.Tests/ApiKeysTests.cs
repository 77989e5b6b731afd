using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Webhook.Secrets;

namespace Webhook.Tests;

/// <summary>
/// The key Secret is read once for many solves (Secrets/ApiKeys.cs), and yet a key fixed or rotated in the Secret, or a
/// Secret created after a failed read, applies to the very next solve: what users expect from "read per request".
/// </summary>
public sealed class ApiKeysTests(DebianPowerDnsServer pdns) : WebhookTest(pdns)
{
    [Fact]
    public async Task ABurstReadsItsSecretOnce()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Webhook.PresentAsync(WebhookHarness.UniqueName(), "v")));

        results.Should().OnlyContain(r => r.Success);
        Webhook.Kube.SecretReads.Should().Be(1, "40 solves at once share one read of their Secret");
    }

    [Fact]
    public async Task AKeyFixedInTheSecretAppliesToTheNextSolve()
    {
        Webhook.Kube.Secrets[(Webhook.Namespace, WebhookHarness.SecretName)] = new() { ["api-key"] = "wrong-key-123" };
        var refused = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v");
        Webhook.Kube.Secrets[(Webhook.Namespace, WebhookHarness.SecretName)] = new() { ["api-key"] = Pdns.ApiKey };

        var fixedKey = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v");

        refused.Message.Should().Contain("401");
        fixedKey.Success.Should().BeTrue("PowerDNS refused the kept key, so the Secret was read anew: {0}", fixedKey.Message);
    }

    [Fact]
    public async Task ASecretCreatedAfterAFailedReadAppliesToTheNextSolve()
    {
        Webhook.Kube.Secrets.Clear();
        var missing = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v");
        Webhook.Kube.Secrets[(Webhook.Namespace, WebhookHarness.SecretName)] = new() { ["api-key"] = Pdns.ApiKey };

        var created = await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v");

        missing.Message.Should().Contain("not found");
        created.Success.Should().BeTrue("a failed read is not kept: {0}", created.Message);
    }

    [Fact]
    public async Task AKeptKeyIsReadAgainOnceItsLifetimeHasPassed()
    {
        var time = new FakeTimeProvider();
        await using var webhook = await WebhookHarness.StartAsync(Pdns, services => services.AddSingleton(sp =>
            ActivatorUtilities.CreateInstance<ApiKeys>(sp, (TimeProvider)time)));

        var first = await webhook.PresentAsync(WebhookHarness.UniqueName(), "v");
        time.Advance(ApiKeys.Lifetime - TimeSpan.FromSeconds(1));
        var kept = await webhook.PresentAsync(WebhookHarness.UniqueName(), "v");
        var readsWhileKept = webhook.Kube.SecretReads;
        time.Advance(TimeSpan.FromSeconds(2));
        var expired = await webhook.PresentAsync(WebhookHarness.UniqueName(), "v");

        new[] { first, kept, expired }.Should().OnlyContain(r => r.Success);
        readsWhileKept.Should().Be(1);
        webhook.Kube.SecretReads.Should().Be(2);
    }
}
