using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Webhook.Api;

namespace Webhook.Security;

/// <summary>
/// Authorizes like the Go apiserver (docs/contract.md 3.5): system:masters always; in <c>Delegated</c> mode everyone else by a
/// SubjectAccessReview (resource attributes for the solver POST, non-resource ones for other paths), cached 10 s; in
/// <c>AllowAuthenticated</c> mode any authenticated user. The anonymous user never reaches the solver.
/// </summary>
internal sealed class AccessReviewHandler(IServiceProvider services, IOptions<WebhookOptions> options, TimeProvider time, ILogger<AccessReviewHandler> logger)
    : AuthorizationHandler<KubernetesAccess, HttpContext>
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (bool Allowed, string Reason, long At)> _reviews = new();

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, KubernetesAccess requirement, HttpContext http)
    {
        if (KubernetesUser.From(context.User) is not { } user)
        {
            context.Fail();
            return;
        }

        var spec = Spec(user, http.Request);
        var solving = spec.ResourceAttributes is not null;
        if (user.Groups.Contains(KubernetesUser.Masters) && !user.IsAnonymous)
        {
            context.Succeed(requirement);
            return;
        }

        if (user.IsAnonymous && solving)
        {
            context.Fail(new AuthorizationFailureReason(this, Forbidden(user, spec, "anonymous requests may not solve challenges")));
            return;
        }

        if (options.Value.AuthorizationMode == "AllowAuthenticated")
        {
            _ = user.IsAnonymous ? Deny(context, user, spec, "only authenticated users are allowed") : Allow(context, requirement);
            return;
        }

        var key = JsonSerializer.Serialize(spec, WebhookJsonContext.Default.V1SubjectAccessReviewSpec);
        if (!_reviews.TryGetValue(key, out var review) || time.GetElapsedTime(review.At) > CacheFor)
        {
            var asked = services.GetRequiredService<IKubernetes>().AuthorizationV1.CreateSubjectAccessReviewAsync(
                new V1SubjectAccessReview { ApiVersion = "authorization.k8s.io/v1", Kind = "SubjectAccessReview", Spec = spec }, cancellationToken: http.RequestAborted);
            await ((Task)asked).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // inspect the failure: a 500, never an allow
            if (!asked.IsCompletedSuccessfully)
            {
                Log.AccessReviewFailed(logger, asked.Exception?.InnerException);
                context.Fail(new AccessReviewUnavailable(this, "the SubjectAccessReview could not be made; see the webhook's log"));
                return;
            }

            review = (asked.Result.Status.Allowed && asked.Result.Status.Denied != true, asked.Result.Status.Reason ?? "", time.GetTimestamp());
            _reviews[key] = review;
        }

        _ = review.Allowed ? Allow(context, requirement) : Deny(context, user, spec, review.Reason);
    }

    private static bool Allow(AuthorizationHandlerContext context, KubernetesAccess requirement)
    {
        context.Succeed(requirement);
        return true;
    }

    private bool Deny(AuthorizationHandlerContext context, KubernetesUser user, V1SubjectAccessReviewSpec spec, string reason)
    {
        context.Fail(new AuthorizationFailureReason(this, Forbidden(user, spec, reason)));
        return false;
    }

    // The request as the apiserver framework's RequestInfo sees it: only the solver POST is a resource request.
    private V1SubjectAccessReviewSpec Spec(KubernetesUser user, HttpRequest request)
    {
        var solver = $"/apis/{options.Value.GroupName}/{Discovery.Version}/{options.Value.SolverName}";
        return new V1SubjectAccessReviewSpec
        {
            User = user.Name,
            Uid = user.Uid,
            Groups = [.. user.Groups],
            Extra = user.Extra.Count > 0 ? user.Extra.ToDictionary(e => e.Key, e => (IList<string>)e.Value) : null,
            ResourceAttributes = HttpMethods.IsPost(request.Method) && request.Path == solver
                ? new V1ResourceAttributes { Verb = "create", Group = options.Value.GroupName, Version = Discovery.Version, Resource = options.Value.SolverName }
                : null,
            NonResourceAttributes = HttpMethods.IsPost(request.Method) && request.Path == solver
                ? null
                : new V1NonResourceAttributes { Path = request.Path, Verb = request.Method.ToLowerInvariant() },
        };
    }

    private static string Forbidden(KubernetesUser user, V1SubjectAccessReviewSpec spec, string reason) =>
        (spec.ResourceAttributes is { } r
            ? $"{r.Resource}.{r.Group} is forbidden: User \"{user.Name}\" cannot {r.Verb} resource \"{r.Resource}\" in API group \"{r.Group}\" at the cluster scope"
            : $"forbidden: User \"{user.Name}\" cannot {spec.NonResourceAttributes.Verb} path \"{spec.NonResourceAttributes.Path}\"")
        + (reason.Length > 0 ? $": {reason}" : "");
}
