using k8s;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Webhook.Security;

/// <summary>
/// Keeps <see cref="Current"/> up to date: re-read every <c>AuthenticationRefreshSeconds</c> from the flags' files or
/// from the cluster's ConfigMap, so a rotated front-proxy CA applies without a restart. A failed read keeps the last
/// good configuration; until the first one, the server is not ready and every client certificate is refused.
/// </summary>
internal sealed class AuthenticationConfigSource(IOptions<WebhookOptions> options, IServiceProvider services, TimeProvider time,
    ILogger<AuthenticationConfigSource> logger) : BackgroundService, IHealthCheck
{
    public AuthenticationConfig? Current { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.AuthenticationFromFiles)
        {
            Current = AuthenticationConfig.FromFlags(options.Value);   // a missing or bad CA file stops the start
        }
        else
        {
            await RefreshAsync(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Current is null ? HealthCheckResult.Unhealthy("authentication configuration not loaded yet") : HealthCheckResult.Healthy());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.AuthenticationRefreshSeconds), time);
        // Stopping ends the loop instead of throwing: when the start fails, the host reports a canceled loop as a failure.
        using var stop = stoppingToken.Register(timer.Dispose);
        while (await timer.WaitForNextTickAsync(CancellationToken.None))
        {
            await RefreshAsync(stoppingToken);
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var read = options.Value.AuthenticationFromFiles ? Task.Run(() => AuthenticationConfig.FromFlags(options.Value), cancellationToken) : FromClusterAsync(cancellationToken);
        await ((Task)read).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // inspect the failure: keep the last good configuration
        if (read.IsCompletedSuccessfully)
        {
            Current = read.Result;
        }
        else if (!cancellationToken.IsCancellationRequested)
        {
            Log.AuthenticationConfigUnreadable(logger, read.Exception?.InnerException);
        }
    }

    private async Task<AuthenticationConfig> FromClusterAsync(CancellationToken cancellationToken)
    {
        var configMap = await services.GetRequiredService<IKubernetes>().CoreV1.ReadNamespacedConfigMapAsync(
            AuthenticationConfig.ConfigMapName, AuthenticationConfig.ConfigMapNamespace, cancellationToken: cancellationToken);
        // In a cluster too, the operator's --requestheader-allowed-names narrows which proxies may assert users.
        return AuthenticationConfig.FromConfigMap(configMap.Data) with { OperatorAllowedNames = AuthenticationConfig.CommaList(options.Value.RequestHeaderAllowedNames) };
    }
}
