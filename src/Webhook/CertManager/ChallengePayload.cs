namespace Webhook.CertManager;

/// <summary>
/// What cert-manager POSTs (only <see cref="Request"/>: no apiVersion or kind) and what we answer
/// (the request echoed, a <see cref="Response"/>, and the kind the Go framework reports).
/// </summary>
internal sealed record ChallengePayload(ChallengeRequest? Request, ChallengeResponse? Response = null)
{
    public string? Kind { get; init; }

    public string? ApiVersion { get; init; }

    public ChallengePayload Answer(ChallengeResponse response) =>
        this with { Response = response, Kind = "ChallengePayload", ApiVersion = "webhook.acme.cert-manager.io/v1alpha1" };
}
