using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using PowerDnsClient;
using Webhook.Api;

namespace Webhook.Security;

/// <summary>
/// Authorizes like the Go apiserver (docs/contract.md 3.5): system:masters always; in <c>Delegated</c> mode everyone else by a
/// SubjectAccessReview (resource attributes for the solver endpoint, non-resource ones for other paths), cached 10 s in an
/// LRU of 8,192 answers (the Go apiserver's; a review too large to be worth keeping is asked each time); in
/// <c>AllowAuthenticated</c> mode any authenticated user, but only users the front proxy asserts may solve. The anonymous
/// user never reaches the solver.
/// </summary>
internal sealed class AccessReviewHandler(IServiceProvider services, IOptions<WebhookOptions> options, TimeProvider time, ILogger<AccessReviewHandler> logger)
    : AuthorizationHandler<KubernetesAccess, HttpContext>
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private const int MaxCachedReview = 8 * 1024;
    private readonly BoundedCache<string, (bool Allowed, string Reason, long At)> _reviews = new(8_192);

    /// <summary>Answers kept now.</summary>
    public int CachedReviews => _reviews.Count;

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, KubernetesAccess requirement, HttpContext http)
    {
        if (KubernetesUser.From(context.User) is not { } user)
        {
            context.Fail();
            return;
        }

        var spec = Spec(user, http);
        var solving = spec.ResourceAttributes is not null;
        var allowAuthenticated = options.Value.AuthorizationMode == "AllowAuthenticated";
        if (allowAuthenticated && solving && !FrontProxyAuthentication.Asserted(context.User))
        {
            context.Fail(new AuthorizationFailureReason(this, Forbidden(user, spec, "in AllowAuthenticated mode only users the front proxy asserts may solve challenges")));
            return;
        }

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

        if (allowAuthenticated)
        {
            _ = user.IsAnonymous ? Deny(context, user, spec, "only authenticated users are allowed") : Allow(context, requirement);
            return;
        }

        var key = JsonSerializer.Serialize(spec, WebhookJsonContext.Default.V1SubjectAccessReviewSpec);
        if (!_reviews.TryGet(key, out var review) || time.GetElapsedTime(review.At) > CacheFor)
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
            if (key.Length <= MaxCachedReview)
            {
                _reviews.Set(key, review);
            }
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

    // The request as the apiserver framework's RequestInfo sees it: only the solver endpoint is a resource request, decided
    // by what routing matched, so no spelling of its path (a trailing slash, letter case) makes a solve a non-resource request.
    private V1SubjectAccessReviewSpec Spec(KubernetesUser user, HttpContext http)
    {
        var request = http.Request;
        var solving = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == SolverApi.SolverEndpoint;
        return new V1SubjectAccessReviewSpec
        {
            User = user.Name,
            Uid = user.Uid,
            Groups = [.. user.Groups],
            Extra = user.Extra.Count > 0 ? user.Extra.ToDictionary(e => e.Key, e => (IList<string>)e.Value) : null,
            ResourceAttributes = solving
                ? new V1ResourceAttributes { Verb = "create", Group = options.Value.GroupName, Version = Discovery.Version, Resource = options.Value.SolverName }
                : null,
            NonResourceAttributes = solving
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
