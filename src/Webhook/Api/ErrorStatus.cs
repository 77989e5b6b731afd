using Microsoft.AspNetCore.Diagnostics;

namespace Webhook.Api;

/// <summary>
/// HTTP errors answer a Kubernetes Status, as the Go apiserver's do: request-binding failures (bad JSON, a wrong content
/// type, a missing or too large body) name the problem instead of ASP.NET Core's empty 400/415; anything else is a bare 500 (the
/// exception is in the log, never in the answer).
/// </summary>
internal sealed class ErrorStatus : IExceptionHandler
{
    private static readonly Status TooLarge = Status.Failure(413, "RequestEntityTooLarge",
        $"the request body is larger than the limit of {Security.SecurityServiceCollectionExtensions.MaxRequestBodyBytes} bytes");

    /// <summary>Kestrel refuses a body over the limit before any handler runs, with an empty 413: it gets its Status here.</summary>
    public static Task EmptyAnswerAsync(StatusCodeContext context) => context.HttpContext.Response.StatusCode == StatusCodes.Status413PayloadTooLarge
        ? context.HttpContext.Response.WriteAsJsonAsync(TooLarge, WebhookJsonContext.Default.Status, cancellationToken: context.HttpContext.RequestAborted)
        : Task.CompletedTask;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var status = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge,
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => Status.Failure(415, "UnsupportedMediaType",
                $"the body must be application/json, not '{httpContext.Request.ContentType}'"),
            BadHttpRequestException bad => Status.Failure(bad.StatusCode, "BadRequest", $"malformed ChallengePayload: {bad.InnerException?.Message ?? bad.Message}"),
            _ => Status.Failure(500, "InternalError", "internal error; the webhook's log has the details"),
        };
        httpContext.Response.StatusCode = status.Code ?? 500;
        await httpContext.Response.WriteAsJsonAsync(status, WebhookJsonContext.Default.Status, cancellationToken: cancellationToken);
        return true;
    }
}
