using k8s;
using Microsoft.Extensions.Options;

namespace Webhook.Secrets;

internal static class SecretsServiceCollectionExtensions
{
    /// <summary>
    /// Files under <c>--secrets-dir</c> when given, else Kubernetes Secrets. Kubernetes is reached only when a Secret is
    /// read: <c>--kubeconfig</c>, else <c>KUBECONFIG</c> or the in-cluster service account.
    /// </summary>
    public static IServiceCollection AddSecretSource(this IServiceCollection services) => services
        .AddSingleton<IKubernetes>(sp =>
        {
            WebhookJsonContext.UseForKubernetesClient();
            return new Kubernetes(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Kubeconfig is { } file
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(file)
                : KubernetesClientConfiguration.BuildDefaultConfig());
        })
        .AddSingleton<ISecretSource>(sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value.SecretsDir is { } directory
            ? new FileSecretSource(directory)
            : new KubernetesSecretSource(sp.GetRequiredService<IKubernetes>()));
}
