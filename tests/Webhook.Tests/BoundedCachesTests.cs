using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Webhook.Editing;
using Webhook.Security;

namespace Webhook.Tests;

/// <summary>
/// Caches keyed by what callers choose (paths, tokens, Issuer configs) stay bounded: the Go apiserver's 8,192 entries,
/// and attributes too large to be worth keeping are not kept.
/// </summary>
public sealed class BoundedCachesTests(DebianPowerDnsServer pdns) : WebhookTest(pdns)
{
    private static readonly KubernetesUser Jane = new("jane", null, ["dev"], new Dictionary<string, List<string>>());

    [Fact]
    public async Task AccessReviewsOfUniquePathsStayWithinTheBound()
    {
        var handler = Webhook.Services.GetServices<IAuthorizationHandler>().OfType<AccessReviewHandler>().Single();

        foreach (var chunk in Enumerable.Range(0, 8_300).Chunk(32))
        {
            await Task.WhenAll(chunk.Select(i => AuthorizeAsync(handler, $"/unique/{i}")));
        }

        handler.CachedReviews.Should().Be(8_192);
    }

    [Fact]
    public async Task AnOversizedReviewIsAskedEachTimeAndNotKept()
    {
        var handler = Webhook.Services.GetServices<IAuthorizationHandler>().OfType<AccessReviewHandler>().Single();
        var path = "/" + new string('p', 20_000);

        await AuthorizeAsync(handler, path);
        await AuthorizeAsync(handler, path);

        Webhook.Kube.ReceivedReviews.Should().HaveCount(2);
    }

    [Fact]
    public async Task TokenReviewsOfUniqueTokensStayWithinTheBound()
    {
        var tokens = Webhook.Services.GetRequiredService<TokenReviews>();

        foreach (var chunk in Enumerable.Range(0, 8_300).Chunk(32))
        {
            await Task.WhenAll(chunk.Select(i => tokens.ReviewAsync($"token-{i}", CancellationToken.None)));
        }

        tokens.Cached.Should().Be(8_192);
    }

    [Fact]
    public async Task WriteGatesAreDroppedWhenNobodyHoldsOrAwaitsThem()
    {
        var locks = new InProcessWriteLock();
        var scope = new WriteScope("server", "zone.");
        var held = await locks.AcquireAsync(scope, CancellationToken.None);
        var waiting = locks.AcquireAsync(scope, CancellationToken.None).AsTask();
        foreach (var i in Enumerable.Range(0, 100))
        {
            await (await locks.AcquireAsync(new WriteScope($"server-{i}", null), CancellationToken.None)).DisposeAsync();
        }

        var excluded = !waiting.IsCompleted;
        await held.DisposeAsync();
        await (await waiting).DisposeAsync();

        excluded.Should().BeTrue("a scope's writers still exclude each other");
        locks.Gates.Should().Be(0);
    }

    private static Task AuthorizeAsync(AccessReviewHandler handler, string path)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = path;
        return handler.HandleAsync(new AuthorizationHandlerContext([new KubernetesAccess()], Jane.ToPrincipal(), http));
    }
}
