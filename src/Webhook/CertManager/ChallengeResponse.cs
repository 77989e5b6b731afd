using Webhook.Api;

namespace Webhook.CertManager;

/// <summary>The result cert-manager reads. A failure always carries a non-empty message: with an empty one cert-manager would count it as success.</summary>
internal sealed record ChallengeResponse(string Uid, bool Success, Status? Status = null)
{
    public static ChallengeResponse Succeeded(string uid) => new(uid, true);

    public static ChallengeResponse Failed(string uid, string message) =>
        new(uid, false, Api.Status.Failed(string.IsNullOrWhiteSpace(message) ? "unknown error" : message));
}
