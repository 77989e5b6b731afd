using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Webhook.CertManager;
using Webhook.Challenges;

namespace Webhook.Api;

/// <summary>The aggregated API: discovery and the solver resource, exactly as cert-manager and kube-aggregator use them (docs/contract.md 1, 2).</summary>
internal static class SolverApi
{
    /// <summary>The solver endpoint's name: authorization asks for 'create' on the resource when routing matched it.</summary>
    public const string SolverEndpoint = "solver";

    /// <summary>Maps discovery and the solver resource; the fallback authorization policy guards them (Security/).</summary>
    public static IEndpointRouteBuilder MapSolverApi(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var apis = endpoints.MapGroup("/apis");
        apis.MapGet("", () => TypedResults.Ok(Discovery.Groups(options)));
        apis.MapGet($"/{options.GroupName}", () => TypedResults.Ok(Discovery.Group(options)));
        apis.MapGet($"/{options.GroupName}/{Discovery.Version}", () => TypedResults.Ok(Discovery.Resources(options)));
        apis.MapPost($"/{options.GroupName}/{Discovery.Version}/{options.SolverName}", SolveAsync).WithName(SolverEndpoint);
        apis.MapPost($"/{options.GroupName}/{Discovery.Version}/{{resource}}", async (string resource, HttpRequest request) =>
        {
            // Read to the end (at most the 3 MiB limit) before answering: a stream answered before its body is read is
            // reset, and Kestrel refuses every new stream on the connection with ENHANCE_YOUR_CALM once it tracks more
            // such streams than twice its limit of 100, so an Issuer naming the wrong solver would fail the solves of
            // the Issuers that share the aggregator's connection with it.
            await request.Body.CopyToAsync(Stream.Null, request.HttpContext.RequestAborted);
            return Unmatched(resource, options);
        });
        return endpoints;
    }

    /// <summary>
    /// Counts a solver request as pending (<see cref="PendingSolves"/>) from the moment routing, authentication and
    /// authorization have let it through (WebApplication runs them before this), until it ends or its edit is queued.
    /// </summary>
    public static IApplicationBuilder CountPendingSolves(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName != SolverEndpoint)
        {
            await next(http);
            return;
        }

        using var solve = http.RequestServices.GetRequiredService<PendingSolves>().Enter();
        http.Features.Set(solve);
        await next(http);
    });

    // Our own solver lands here only when its JSON-only endpoint refused the content type.
    private static IResult Unmatched(string resource, WebhookOptions options) => resource == options.SolverName
        ? TypedResults.Json(Status.Failure(415, "UnsupportedMediaType", "the body must be application/json"), WebhookJsonContext.Default.Status, statusCode: 415)
        : TypedResults.NotFound(Status.Failure(404, "NotFound", $"the server could not find the requested resource '{resource}'; this webhook serves '{options.SolverName}'"));

    // A solver failure travels inside a 201 ChallengePayload (docs/contract.md 1.4); only a malformed payload is an HTTP
    // error (bad JSON and unknown actions already fail binding: ErrorStatus.cs).
    // The correlation id is the aggregator's Audit-Id, so a solve can be found in kube-apiserver's audit log too.
    private static async Task<Results<Created<ChallengePayload>, BadRequest<Status>>> SolveAsync(
        ChallengePayload payload, ChallengeSolver solver, HttpContext http, ILogger<ChallengeSolver> logger)
    {
        if (payload.Request is not { Action: not null } request)
        {
            return TypedResults.BadRequest(Status.Failure(400, "BadRequest",
                payload.Request is null ? "payload request field cannot be empty" : "request.action must be \"Present\" or \"CleanUp\""));
        }

        var correlationId = http.Request.Headers["Audit-Id"].FirstOrDefault() ?? http.TraceIdentifier;
        using (Log.Correlation(logger, correlationId))
        {
            var solve = http.Features.Get<PendingSolves.Solve>() ?? throw new InvalidOperationException("CountPendingSolves is not in the pipeline");
            return TypedResults.Created((string?)null, payload.Answer(await solver.SolveAsync(request, solve, http.RequestAborted)));
        }
    }
}
