using System.Text.Json.Serialization;

namespace Webhook.CertManager;

[JsonConverter(typeof(ChallengeActionConverter))]
internal enum ChallengeAction
{
    Present,
    CleanUp,
}

// Exactly the two names cert-manager sends; numbers are not actions.
internal sealed class ChallengeActionConverter() : JsonStringEnumConverter<ChallengeAction>(allowIntegerValues: false);
