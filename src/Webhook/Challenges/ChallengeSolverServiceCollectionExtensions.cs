using k8s;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PowerDnsClient;
using Webhook.Editing;
using Webhook.Freshness;
using Webhook.Issuers;
using Webhook.Observability;
using Webhook.Secrets;

namespace Webhook.Challenges;

internal static class ChallengeSolverServiceCollectionExtensions
{
    /// <summary>
    /// The solver core and what it needs but the API key source (<see cref="ISecretSource"/>): the same composition for
    /// the server and for hook mode. Writes are serialised across replicas by Leases with <c>--lease-namespace</c>, else
    /// inside this process.
    /// Any host is allowed unless a <see cref="HostAllowList"/> is registered first.
    /// </summary>
    public static IServiceCollection AddChallengeSolver(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookMetrics>();
        services.TryAddSingleton<IWriteLock>(sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value is { LeaseNamespace: { Length: > 0 } ns } options
            ? new LeaseWriteLock(sp.GetRequiredService<IKubernetes>(), ns, TimeSpan.FromSeconds(options.LeaseDurationSeconds),
                sp.GetRequiredService<WebhookMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LeaseWriteLock>>())
            : new InProcessWriteLock());
        services.TryAddSingleton(HostAllowList.Any);   // the server and hook mode register the operator's list first
        return services
            .AddPowerDnsClient()
            .AddSingleton<PendingSolves>()
            .AddSingleton<PowerDnsInstances>()
            .AddSingleton<PowerDnsServers>()
            .AddSingleton<ApiKeys>()
            .AddSingleton<ChallengeSolver>();
    }
}
