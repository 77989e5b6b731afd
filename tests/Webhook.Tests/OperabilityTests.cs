using System.Net;
using System.Text.Json.Nodes;
using Webhook.Security;

namespace Webhook.Tests;

/// <summary>What operators look at when a certificate does not renew: /metrics and the solver's log lines.</summary>
public sealed class OperabilityTests(DebianPowerDnsServer pdns) : WebhookTest(pdns)
{
    [Fact]
    public async Task MetricsCountChallengesByActionAndResultWithPowerDnsCallsRetriesAndTheStrategy()
    {
        var name = WebhookHarness.UniqueName();
        await Webhook.PresentAsync(name, "v");
        await Webhook.CleanUpAsync(name, "v");
        await Webhook.PresentAsync(WebhookHarness.UniqueName(), "v", Webhook.Config(new { host = "http://127.0.0.1:1" }));
        using var prometheus = Webhook.Client(Webhook.Pki.FrontProxyClient, "system:kube-aggregator", [KubernetesUser.Masters]);

        var metrics = Exposition.Parse(await prometheus.GetStringAsync("/metrics"));

        metrics.Sum("pdns_webhook_challenges_total", ("action", "Present"), ("result", "success")).Should().Be(1);
        metrics.Sum("pdns_webhook_challenges_total", ("action", "CleanUp"), ("result", "success")).Should().Be(1);
        metrics.Sum("pdns_webhook_challenges_total", ("action", "Present"), ("result", "failure")).Should().Be(1);
        metrics.Sum("pdns_webhook_solve_duration_seconds_count", ("action", "Present")).Should().Be(2);
        metrics.Sum("pdns_webhook_edit_strategy", ("strategy", "Replace")).Should().Be(1);
        metrics.Sum("pdns_webhook_batch_size_count", ("strategy", "Replace")).Should().Be(2);
        metrics.Sum("pdns_client_calls_total", ("method", "PATCH"), ("status", "204"), ("outcome", "success")).Should().Be(2);
        metrics.Sum("pdns_client_calls_total", ("kind", "cache-flush"), ("outcome", "success")).Should().Be(2);
        metrics.Sum("pdns_client_calls_total", ("kind", "zones"), ("outcome", "transport-error")).Should().Be(1);
        metrics.Sum("pdns_client_call_duration_seconds_count", ("kind", "rrset")).Should().Be(2);
        metrics.Sum("resilience_polly_strategy_events_total", ("event_name", "OnRetry")).Should().BeGreaterThan(0);
        metrics.Has("http_server_request_duration_seconds_bucket").Should().BeTrue("ASP.NET Core's instruments are exported");
        metrics.Has("dotnet_gc_collections_total").Should().BeTrue("the runtime's instruments are exported");
    }

    [Fact]
    public async Task MetricsNeedAuthorizationLikeTheGoServers()
    {
        Webhook.Kube.Tokens["prometheus-token"] = "system:serviceaccount:monitoring:prometheus";
        using var anonymous = Webhook.Client(certificate: null);
        using var serviceAccount = Webhook.Client(certificate: null, headers: new() { ["Authorization"] = "Bearer prometheus-token" });
        using var wrongToken = Webhook.Client(certificate: null, headers: new() { ["Authorization"] = "Bearer stolen" });

        var refused = await anonymous.GetAsync("/metrics");
        var scraped = await serviceAccount.GetAsync("/metrics");
        var unknown = await wrongToken.GetAsync("/metrics");

        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        scraped.StatusCode.Should().Be(HttpStatusCode.OK);
        unknown.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        Webhook.Kube.ReceivedReviews.Select(r => r["spec"]!["nonResourceAttributes"]?.ToJsonString())
            .Should().Contain("""{"path":"/metrics","verb":"get"}""");
    }

    [Fact]
    public async Task ASolveIsOneStructuredJsonLineWithTheFieldsOperatorsNeed()
    {
        using var pki = new Certificates();
        var directory = Directory.CreateTempSubdirectory("logs-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "secrets", "cert-manager", "pdns"));
        await File.WriteAllTextAsync(Path.Combine(directory, "secrets", "cert-manager", "pdns", "api-key"), Pdns.ApiKey);
        var config = new JsonObject { ["host"] = Pdns.ApiUrl.ToString(), ["apiKeySecretRef"] = new JsonObject { ["name"] = "pdns", ["key"] = "api-key" } };
        var name = WebhookHarness.UniqueName();

        await using (var webhook = await WebhookReplica.StartAsync(pki, Path.Combine(directory, "secrets"), "--log-format", "json"))
        {
            webhook.Aggregator.DefaultRequestHeaders.Add("Audit-Id", "audit-4711");
            (await webhook.SolveAsync("Present", name, "v", config)).Success.Should().BeTrue();
            await webhook.Process.TerminateAsync();
            (await webhook.Process.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0);

            var lines = webhook.Process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Should().OnlyContain(line => line.TrimStart().StartsWith('{'), "in JSON mode every line is one JSON object");
            var solved = lines.Select(l => JsonNode.Parse(l)!).Should().ContainSingle(l => l["Category"]!.GetValue<string>().EndsWith("ChallengeSolver", StringComparison.Ordinal)).Subject;
            var state = solved["State"]!;
            state["Action"]!.GetValue<string>().Should().Be("Present");
            state["Fqdn"]!.GetValue<string>().Should().Be(name);
            state["Zone"]!.GetValue<string>().Should().Be("example.test.");
            state["Strategy"]!.GetValue<string>().Should().Be("Replace");
            state["Outcome"]!.GetValue<string>().Should().Be("success");
            state["ElapsedMs"].Should().NotBeNull();
            solved["Scopes"]!.AsArray().Select(s => s?["CorrelationId"]?.GetValue<string>()).Should().Contain("audit-4711");
            webhook.Process.Output.Should().NotContain(Pdns.ApiKey);
        }

        Directory.Delete(directory, recursive: true);
    }
}
