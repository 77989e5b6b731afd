namespace Webhook.Tests;

/// <summary>A test with its own webhook, Kubernetes namespace and key Secret, against <paramref name="pdns"/>.</summary>
public abstract class WebhookTest(PowerDnsServer pdns) : IAsyncLifetime
{
    private protected WebhookHarness Webhook { get; private set; } = null!;

    protected PowerDnsServer Pdns => pdns;

    public async ValueTask InitializeAsync() => Webhook = await WebhookHarness.StartAsync(pdns);

    public ValueTask DisposeAsync() => Webhook.DisposeAsync();
}
