using System.Text.Json.Nodes;

namespace Webhook.Tests;

/// <summary>What cert-manager reads from an answer: success and the status message.</summary>
internal sealed record ChallengeResult(bool Success, string Message, JsonObject Payload)
{
    public override string ToString() => Payload.ToJsonString();
}
