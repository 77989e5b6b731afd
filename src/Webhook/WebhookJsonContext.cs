using System.Text.Json.Serialization;
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
[JsonSerializable(typeof(k8s.Models.V1SubjectAccessReviewSpec))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext
{
    /// <summary>ASP.NET Core's options take over the generated ones, so they get the same settings.</summary>
    public static void Configure(JsonOptions options)
    {
        options.SerializerOptions.TypeInfoResolverChain.Insert(0, Default);
        options.SerializerOptions.PropertyNameCaseInsensitive = false;
        options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
    }
}
