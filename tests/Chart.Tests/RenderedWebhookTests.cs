using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Chart.Tests;

/// <summary>
/// The webhook binary started from the rendered objects (<see cref="RenderedWebhook"/>), then what Kubernetes does with
/// it: the kubelet's probes, and the aggregator's availability check through the APIService's Service name, verifying
/// the serving certificate against the CA cainjector would inject.
/// </summary>
public sealed class RenderedWebhookTests(ChartRenderer chart)
{
    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task TheBinaryStartsFromTheRenderedArgsAndServesTheApiService(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var container = rendering.Webhook.Spec.Template.Spec.Containers.Single();
        var apiService = rendering.All<V1APIService>().Single();
        await using var kube = await FakeKubeApi.StartAsync();

        await using var webhook = RenderedWebhook.Start(rendering, kube);

        using var kubelet = webhook.Kubelet();
        foreach (var probe in new[] { container.ReadinessProbe, container.LivenessProbe })
        {
            using var answer = await Eventually.ReturnsAsync(() => kubelet.GetAsync(probe.HttpGet.Path), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(30), webhook.ToString);
            answer.StatusCode.Should().Be(HttpStatusCode.OK, $"the {probe.HttpGet.Path} probe passes");
        }

        using var aggregator = webhook.Aggregator("system:kube-aggregator", "system:masters");
        using var discovery = await aggregator.GetAsync($"/apis/{apiService.Spec.Group}/{apiService.Spec.Version}");
        discovery.StatusCode.Should().Be(HttpStatusCode.OK, webhook.ToString());
        var resources = JsonNode.Parse(await discovery.Content.ReadAsStringAsync())!["resources"]!.AsArray();
        resources.Select(r => r!["name"]!.GetValue<string>()).Should().Equal(Pods.Flag(container.Args, "--solver-name"));
    }
}
