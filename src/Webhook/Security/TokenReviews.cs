using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using PowerDnsClient;

namespace Webhook.Security;

/// <summary>
/// Bearer tokens checked by a TokenReview with the webhook's own service account, as the Go server does; answers cached 10 s
/// by token hash, at most 8,192 of them (the Go apiserver's bound: anyone can send a new token).
/// </summary>
internal sealed class TokenReviews(IServiceProvider services, TimeProvider time, ILogger<TokenReviews> logger)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly BoundedCache<string, (KubernetesUser? User, string Problem, long At)> _reviews = new(8_192);

    /// <summary>Answers kept now.</summary>
    public int Cached => _reviews.Count;

    public async Task<(KubernetesUser? User, string Problem)> ReviewAsync(string token, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));   // the token itself is never kept
        if (_reviews.TryGet(key, out var cached) && time.GetElapsedTime(cached.At) <= CacheFor)
        {
            return (cached.User, cached.Problem);
        }

        var asked = services.GetRequiredService<IKubernetes>().AuthenticationV1.CreateTokenReviewAsync(
            new V1TokenReview { ApiVersion = "authentication.k8s.io/v1", Kind = "TokenReview", Spec = new V1TokenReviewSpec { Token = token } },
            cancellationToken: cancellationToken);
        await ((Task)asked).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // inspect the failure: a 401, never a user
        if (!asked.IsCompletedSuccessfully)
        {
            Log.TokenReviewFailed(logger, asked.Exception?.InnerException);
            return (null, "the bearer token could not be reviewed");
        }

        var status = asked.Result.Status;
        var review = status is { Authenticated: true, User.Username: { Length: > 0 } name }
            ? (new KubernetesUser(name, status.User.Uid, [.. status.User.Groups ?? []],
                (status.User.Extra ?? new Dictionary<string, IList<string>>()).ToDictionary(e => e.Key, e => e.Value.ToList())), "")
            : ((KubernetesUser?)null, $"the bearer token was not accepted: {status?.Error}");
        _reviews.Set(key, (review.Item1, review.Item2, time.GetTimestamp()));
        return review;
    }
}
