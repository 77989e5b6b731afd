using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Conformance.Tests;

/// <summary>
/// cert-manager's webhook solver client (pkg/issuer/acme/dns/webhook): <c>POST /apis/&lt;group&gt;/v1alpha1/&lt;solver&gt;</c>
/// with the exact body, the answer read as cert-manager reads it (docs/contract.md 1.6). Upstream's suite calls the Go
/// solver in-process; here Present and CleanUp take the path they take in a cluster.
/// </summary>
internal sealed class CertManagerClient(HttpClient aggregator)
{
    private const string SolverPath = $"/apis/{ConformanceStack.Group}/v1alpha1/{ConformanceStack.Solver}";

    public Task PresentAsync(ChallengeRequest ch) => SolveAsync("Present", ch);

    public Task CleanUpAsync(ChallengeRequest ch) => SolveAsync("CleanUp", ch);

    private async Task SolveAsync(string action, ChallengeRequest ch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, SolverPath) { Content = new StringContent(ch.Body(action), Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");   // client-go's, without a charset
        request.Headers.Accept.ParseAdd("application/json, */*");
        request.Headers.UserAgent.ParseAdd("cert-manager-challenges/v1.21.1");
        using var response = await aggregator.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (Failure(response, text) is { } failure)
        {
            throw new SolverFailedException($"expected {action} of '{ch.Key}' at {ch.ResolvedFqdn} to not error, but got: {failure}");
        }
    }

    // What cert-manager makes of the answer: null for success, else the error it reports (Present and CleanUp alike).
    private static string? Failure(HttpResponseMessage response, string text)
    {
        if (!response.IsSuccessStatusCode)
        {
            return $"HTTP {(int)response.StatusCode}: {text}";
        }

        if (response.Content.Headers.ContentType?.MediaType is { } type && type != "application/json")
        {
            return $"serializer for {type} doesn't exist: {text}";
        }

        if (JsonNode.Parse(text)?["response"] is not { } result)
        {
            return $"a 2xx without 'response', which crashes cert-manager's controller: {text}";
        }

        // cert-manager takes success:false with an empty message as success; a conformant solver never sends it.
        return result["success"]?.GetValue<bool>() is true ? null : result["status"]?["message"]?.GetValue<string>() switch
        {
            null => $"invalid payload response, did not succeed but no result provided: {text}",
            "" => $"success:false with an empty message, which cert-manager takes as success: {text}",
            var message => message,
        };
    }
}
