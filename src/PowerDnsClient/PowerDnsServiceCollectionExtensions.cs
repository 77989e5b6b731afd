using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace PowerDnsClient;

/// <summary>Registers <see cref="PowerDnsClientFactory"/> and its resilience pipeline.</summary>
public static class PowerDnsServiceCollectionExtensions
{
    /// <summary>
    /// Retries 5xx (PowerDNS 4.7 with SQLite answers 500 "database is locked" to concurrent writes), 408, 429,
    /// transport errors and attempt timeouts, with jittered exponential backoff.
    /// </summary>
    public static IServiceCollection AddPowerDnsClient(this IServiceCollection services)
    {
        services.AddResiliencePipeline<string, HttpResponseMessage>(PowerDnsClientFactory.PipelineName, pipeline => pipeline
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 5,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(PowerDnsHandler.AttemptTimeout, TimeSpan.FromSeconds(10))),
            }));
        return services.AddSingleton<PowerDnsClientFactory>();
    }
}
