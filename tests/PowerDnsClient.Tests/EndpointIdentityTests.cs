namespace PowerDnsClient.Tests;

/// <summary>The webhook batches edits per endpoint: endpoints are equal exactly when every setting that reaches the wire is.</summary>
public sealed class EndpointIdentityTests
{
    private static readonly PowerDnsEndpoint Base = new(new Uri("https://pdns.example.test/prefix"), "localhost", "key-1")
    {
        Headers = new Dictionary<string, string> { ["X-Tenant"] = "qa", ["X-Team"] = "dns" },
        CaBundle = "PEM",
    };

    [Fact]
    public void HeadersCompareByContentWhateverTheOrderAndCaseOfTheirNames()
    {
        var same = Base with { Headers = new Dictionary<string, string> { ["x-team"] = "dns", ["x-tenant"] = "qa" } };

        same.Should().Be(Base);
        same.GetHashCode().Should().Be(Base.GetHashCode());
    }

    public static TheoryData<string> Differences => new() { "key", "header value", "header", "scheme", "header name", "timeout", "ca", "server", "url", "address" };

    [Theory]
    [MemberData(nameof(Differences))]
    public void AnySettingThatDiffersMakesAnotherEndpoint(string difference)
    {
        var other = difference switch
        {
            "key" => Base with { ApiKey = "key-2" },
            "header value" => Base with { Headers = new Dictionary<string, string> { ["X-Tenant"] = "prod", ["X-Team"] = "dns" } },
            "header" => Base with { Headers = new Dictionary<string, string> { ["X-Tenant"] = "qa" } },
            "scheme" => Base with { ApiKeyScheme = "Bearer" },
            "header name" => Base with { ApiKeyHeaderName = "Authorization" },
            "timeout" => Base with { Timeout = TimeSpan.FromSeconds(3) },
            "ca" => Base with { CaBundle = null },
            "server" => Base with { ServerId = "other" },
            "address" => Base with { Address = System.Net.IPAddress.Parse("10.0.0.7") },
            _ => Base with { BaseAddress = new Uri("https://pdns.example.test/other") },
        };

        other.Should().NotBe(Base);
    }

    [Fact]
    public void ItsTextNeverShowsTheKey() => Base.ToString().Should().NotContain("key-1");
}
