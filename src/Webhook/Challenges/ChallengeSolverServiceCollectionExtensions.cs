using Microsoft.Extensions.DependencyInjection.Extensions;
using PowerDnsClient;
using Webhook.Editing;
using Webhook.Issuers;
using Webhook.Observability;

namespace Webhook.Challenges;

internal static class ChallengeSolverServiceCollectionExtensions
{
    /// <summary>
    /// The solver core and what it needs but the API key source: the same composition for the server and for hook mode.
    /// Writes are serialised by the in-process lock unless a lock shared by replicas is registered first.
    /// Any host is allowed unless a <see cref="HostAllowList"/> is registered first.
    /// </summary>
    public static IServiceCollection AddChallengeSolver(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookMetrics>();
        services.TryAddSingleton<IWriteLock, InProcessWriteLock>();
        services.TryAddSingleton(HostAllowList.Any);   // the server and hook mode register the operator's list first
        return services
            .AddPowerDnsClient()
            .AddSingleton<PowerDnsServers>()
            .AddSingleton<ChallengeSolver>();
    }
}
