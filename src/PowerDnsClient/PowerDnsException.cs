using System.Net;
using System.Text.RegularExpressions;

namespace PowerDnsClient;

/// <summary>
/// A PowerDNS API call that failed: the method and URL (never the key), the HTTP status and PowerDNS's own
/// <c>error</c> text, or the transport error when no answer came.
/// </summary>
public sealed partial class PowerDnsException : Exception
{
    private PowerDnsException(string message, HttpMethod method, Uri? url, HttpStatusCode? statusCode, string? error, Exception? inner)
        : base(message, inner)
    {
        Method = method;
        Url = url;
        StatusCode = statusCode;
        Error = error;
    }

    /// <summary>The HTTP method of the failed call.</summary>
    public HttpMethod Method { get; }

    /// <summary>The URL of the failed call.</summary>
    public Uri? Url { get; }

    /// <summary>The HTTP status, or null when PowerDNS could not be reached.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>PowerDNS's <c>error</c> text (or the body of a non-JSON answer).</summary>
    public string? Error { get; }

    internal static async Task<PowerDnsException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var request = response.RequestMessage!;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var error = ErrorText(body);
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}"
            + (response.Headers.Location is { } location ? $" (a redirect to {location}, which is not followed: point 'host' there)" : "");
        var message = $"PowerDNS API {request.Method} {Target(request)} answered {status}" + (error.Length > 0 ? $": {error}" : "");
        return new(message, request.Method, request.RequestUri, response.StatusCode, error, null);
    }

    internal static PowerDnsException TooLarge(HttpRequestMessage request, int limit) =>
        new($"PowerDNS API {request.Method} {request.RequestUri} answered with a body larger than {limit / (1024 * 1024)} MiB; it was not read further",
            request.Method, request.RequestUri, null, null, null);

    // The whole chain: a TLS failure's own message is only "see inner exception"; the reason (an untrusted root, a
    // name mismatch) is further in.
    internal static PowerDnsException Unreachable(HttpRequestMessage request, Exception cause)
    {
        var reasons = new List<string>();
        for (var e = cause; e is not null; e = e.InnerException)
        {
            reasons.Add(e.Message.Replace(", see inner exception", "", StringComparison.Ordinal).TrimEnd('.'));
        }

        return new($"PowerDNS API {request.Method} {Target(request)} failed: {string.Join(": ", reasons.Distinct())}", request.Method, request.RequestUri, null, null, cause);
    }

    // HttpClient's own errors name the URL's host even when the connection went to a pinned address: say where it went.
    private static string Target(HttpRequestMessage request) =>
        request.Options.TryGetValue(PowerDnsHandler.PinnedAddress, out var address) ? $"{request.RequestUri} at {address}" : $"{request.RequestUri}";

    // PowerDNS answers {"error": "..."}; a proxy in front of it may answer anything, so this never throws.
    private static string ErrorText(string body)
    {
        var match = ErrorField().Match(body);
        var text = match.Success ? Regex.Unescape(match.Groups[1].Value) : body.Trim();
        return text.Length <= 300 ? text : text[..300] + "...";
    }

    [GeneratedRegex("""^\s*\{.*?"error"\s*:\s*"((?:[^"\\]|\\.)*)"\s*[,}]""", RegexOptions.Singleline)]
    private static partial Regex ErrorField();
}
