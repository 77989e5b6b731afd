using System.Text.Json.Serialization;

namespace Webhook.Api;

/// <summary>
/// Kubernetes metav1.Status: the body of HTTP errors (<c>status: "Failure"</c>, with kind, reason and code), and, nested in a
/// ChallengeResponse, the solver's failure (<c>status: "Failed"</c> and a message, as the Go framework writes it).
/// </summary>
internal sealed record Status(
    [property: JsonPropertyName("status")] string Outcome,
    string Message,
    string? Reason = null,
    int? Code = null)
{
    public string? Kind { get; init; }

    public string? ApiVersion { get; init; }

    public Dictionary<string, string> Metadata { get; init; } = [];

    /// <summary>An HTTP error body, shaped like the Go apiserver's.</summary>
    public static Status Failure(int code, string reason, string message) =>
        new("Failure", message, reason, code) { Kind = "Status", ApiVersion = "v1" };

    /// <summary>The in-band failure of a Present or CleanUp: cert-manager shows <paramref name="message"/> on the Challenge.</summary>
    public static Status Failed(string message) => new("Failed", message);
}
