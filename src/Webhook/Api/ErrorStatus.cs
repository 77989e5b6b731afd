using Microsoft.AspNetCore.Diagnostics;

namespace Webhook.Api;

/// <summary>
/// HTTP errors answer a Kubernetes Status, as the Go apiserver's do: request-binding failures (bad JSON, a wrong content
/// type, a missing body) name the problem instead of ASP.NET Core's empty 400/415; anything else is a bare 500 (the
/// exception is in the log, never in the answer).
/// </summary>
internal sealed class ErrorStatus : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var status = exception switch
        {
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
