using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http.Json;
using Webhook.Api;
using Webhook.CertManager;

namespace Webhook;

// Case-sensitive camelCase, as the Go apiserver decodes; nulls are left out as Go's omitempty does.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChallengePayload))]
[JsonSerializable(typeof(Status))]
[JsonSerializable(typeof(ApiGroupList))]
[JsonSerializable(typeof(ApiGroup))]
[JsonSerializable(typeof(ApiResourceList))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(V1SubjectAccessReviewSpec))]
// What KubernetesClient reads and writes for the webhook (see UseForKubernetesClient).
[JsonSerializable(typeof(V1Secret))]
[JsonSerializable(typeof(V1ConfigMap))]
[JsonSerializable(typeof(V1Lease))]
[JsonSerializable(typeof(V1TokenReview))]
[JsonSerializable(typeof(V1SubjectAccessReview))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext
{
    /// <summary>ASP.NET Core's options take over the generated ones, so they get the same settings.</summary>
    public static void Configure(JsonOptions options)
    {
        options.SerializerOptions.TypeInfoResolverChain.Insert(0, Default);
        options.SerializerOptions.PropertyNameCaseInsensitive = false;
        options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
    }

    /// <summary>
    /// KubernetesClient resolves its JSON through this context instead of its own, which lists all 1,197 Kubernetes
    /// models: NativeAOT compiles every one of them with its converters, 16 MB of the executable and 17 MB of private
    /// memory at start. The publish removes that context's lookups (KubernetesClient.Substitutions.xml) and so the
    /// models; every build uses this one alone, so a kind missing above fails in the tests, not only in the image.
    /// Called before any Kubernetes call: the options cannot change once KubernetesClient has used them.
    /// </summary>
    public static void UseForKubernetesClient() => KubernetesJson.AddJsonOptions(o =>
    {
        if (o.TypeInfoResolver != Default)
        {
            o.TypeInfoResolver = Default;
        }
    });
}
