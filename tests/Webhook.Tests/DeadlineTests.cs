using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Webhook.Challenges;
using Webhook.Security;

namespace Webhook.Tests;

/// <summary>cert-manager's call must end with our message well before the Go framework's 34 s (docs/architecture.md decision 7).</summary>
public sealed class DeadlineTests(DebianPowerDnsServer pdns)
{
    [Fact]
    public async Task APowerDnsThatNeverAnswersGivesAFailureAtTheDeadline()
    {
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);   // the kernel accepts connections; nobody answers
        blackHole.Start();
        var time = new FakeTimeProvider();
        // Only the solver's clock is fake: the host's own shutdown timers must keep real time.
        await using var webhook = await WebhookHarness.StartAsync(pdns, services => services.AddSingleton(sp =>
            ActivatorUtilities.CreateInstance<ChallengeSolver>(sp, (TimeProvider)time)));
        var config = webhook.Config(new { host = $"http://127.0.0.1:{((IPEndPoint)blackHole.LocalEndpoint).Port}", timeoutSeconds = 300 });

        var solving = webhook.PresentAsync(WebhookHarness.UniqueName(), "v", config);
        await Eventually.ReturnsAsync(() => Task.FromResult(Advance(time) && solving.IsCompleted), done => done, within: TimeSpan.FromSeconds(30));

        var result = await solving;
        blackHole.Stop();   // ends the abandoned PowerDNS call before the webhook shuts down
        // The zone list is one load shared by callers, so it outlives this one: wait until it has failed through all its
        // retries, or it records its call in the process-wide PowerDnsClient meter during the next test (CI saw
        // OperabilityTests count it).
        using var prometheus = webhook.Client(webhook.Pki.FrontProxyClient, "system:kube-aggregator", [KubernetesUser.Masters]);
        await Eventually.ReturnsAsync(
            async () => Exposition.Parse(await prometheus.GetStringAsync("/metrics")).Sum("pdns_client_calls_total", ("kind", "zones")),
            calls => calls >= 1, within: TimeSpan.FromSeconds(60));

        result.Success.Should().BeFalse();
        result.Message.Should().Contain("did not finish within 25 s");
    }

    // Moves the webhook's clock a second per poll until the deadline has passed for it.
    private static bool Advance(FakeTimeProvider time)
    {
        time.Advance(TimeSpan.FromSeconds(1));
        return true;
    }
}
