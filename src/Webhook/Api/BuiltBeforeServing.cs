using k8s;
using Microsoft.Extensions.Options;
using Webhook.Challenges;

namespace Webhook.Api;

/// <summary>
/// Builds the singletons that requests use before the server listens (hosted services start before Kestrel does).
/// Left to the first requests, one of them builds them under the container's lock while every other request blocks a
/// pool thread waiting for that lock, and building the Kubernetes client needs a free pool thread: KubernetesClient's
/// BuildConfigFromConfigFile blocks on an async read of the kubeconfig. 50 Presents sent together to a new replica with
/// --kubeconfig waited 28 s while the pool grew one thread at a time, and Kestrel dropped some of their connections.
/// A kubeconfig that cannot be read now stops the start, as a missing front-proxy CA file does.
/// </summary>
internal sealed class BuiltBeforeServing(IServiceProvider services, IOptions<WebhookOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<ChallengeSolver>();   // with its Secret source and write lock, and what they reach
        // Reviews of tokens and access reach Kubernetes too, whenever it is configured.
        if (options.Value.Kubeconfig is not null || Environment.GetEnvironmentVariable("KUBECONFIG") is not null || KubernetesClientConfiguration.IsInCluster())
        {
            services.GetRequiredService<IKubernetes>();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
