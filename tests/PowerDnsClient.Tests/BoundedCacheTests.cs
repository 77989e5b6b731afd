using Microsoft.Extensions.Time.Testing;

namespace PowerDnsClient.Tests;

/// <summary>The one bounded cache behind every map whose keys callers choose.</summary>
public sealed class BoundedCacheTests
{
    [Fact]
    public void TheLeastRecentlyUsedEntryGoesFirst()
    {
        var cache = new BoundedCache<string, int>(2);
        cache.Set("a", 1);
        cache.Set("b", 2);
        cache.TryGet("a", out _);

        cache.Set("c", 3);

        cache.Count.Should().Be(2);
        cache.TryGet("b", out _).Should().BeFalse();
        cache.TryGet("a", out var a).Should().BeTrue();
        a.Should().Be(1);
    }

    [Fact]
    public void GetOrAddCreatesOnceAndKeepsTheBound()
    {
        var cache = new BoundedCache<int, string>(100);
        var created = 0;

        foreach (var i in Enumerable.Range(0, 1_000).Concat(Enumerable.Range(990, 10)))
        {
            cache.GetOrAdd(i, key => { created++; return key.ToString(System.Globalization.CultureInfo.InvariantCulture); });
        }

        created.Should().Be(1_000);
        cache.Count.Should().Be(100);
    }

    [Fact]
    public void IdleEntriesAreDropped()
    {
        var time = new FakeTimeProvider();
        var cache = new BoundedCache<string, int>(10, TimeSpan.FromMinutes(10), time);
        cache.Set("idle", 1);
        cache.Set("busy", 2);
        time.Advance(TimeSpan.FromMinutes(6));
        cache.TryGet("busy", out _);
        time.Advance(TimeSpan.FromMinutes(6));

        var snapshot = cache.Snapshot();

        snapshot.Select(e => e.Key).Should().Equal("busy");
        cache.TryGet("idle", out _).Should().BeFalse();
    }
}
