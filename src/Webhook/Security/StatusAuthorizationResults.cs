using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Webhook.Api;

namespace Webhook.Security;

/// <summary>401, 403 and 500 answers with a Kubernetes Status body like the Go server's, instead of empty ones.</summary>
internal sealed class StatusAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var reasons = authorizeResult.AuthorizationFailure?.FailureReasons ?? [];
        var status = authorizeResult switch
        {
            { Challenged: true } => Status.Failure(401, "Unauthorized", "Unauthorized"),
            { Forbidden: true } when reasons.OfType<AccessReviewUnavailable>().FirstOrDefault() is { } unavailable =>
                Status.Failure(500, "InternalError", $"Internal error occurred: {unavailable.Message}"),
            { Forbidden: true } => Status.Failure(403, "Forbidden", reasons.FirstOrDefault()?.Message ?? "forbidden"),
            _ => null,
        };
        if (status is null)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        context.Response.StatusCode = status.Code ?? 500;
        await context.Response.WriteAsJsonAsync(status, WebhookJsonContext.Default.Status, cancellationToken: context.RequestAborted);
    }
}
