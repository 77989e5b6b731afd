namespace Conformance.Tests;

/// <summary>
/// The values a testdata folder's placeholders stand for: <c>${API_URL}</c> (what the webhook calls), <c>${API_KEY}</c>
/// (what the Secret holds) and <c>${CA_BUNDLE}</c> (the private CA of the TLS proxy, PEM).
/// </summary>
internal sealed record ApiEndpoint(Uri Url, string Key, string CaBundle)
{
    public string Expand(string text) => text
        .Replace("${API_URL}", Url.ToString(), StringComparison.Ordinal)
        .Replace("${API_KEY}", Key, StringComparison.Ordinal)
        .Replace("${CA_BUNDLE}", CaBundle, StringComparison.Ordinal);
}
