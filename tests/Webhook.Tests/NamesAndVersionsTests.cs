using PowerDnsClient;
using Webhook.Challenges;
using Webhook.Editing;

namespace Webhook.Tests;

public sealed class NamesAndVersionsTests
{
    [Theory]
    [InlineData("Example.TEST", "example.test.")]
    [InlineData("_acme-challenge.example.test.", "_acme-challenge.example.test.")]
    [InlineData(" a.b ", "a.b.")]
    [InlineData("", null)]
    [InlineData(".", null)]
    [InlineData("a..b", null)]
    [InlineData("a b.test", null)]
    [InlineData("-a.test", null)]
    public void NamesAreAbsoluteAndLowerCase(string name, string? expected) => DnsName.Normalize(name).Should().Be(expected);

    [Theory]
    [InlineData("_acme-challenge.a.example.test.", "example.test.", true)]
    [InlineData("example.test.", "example.test.", true)]
    [InlineData("badexample.test.", "example.test.", false)]
    [InlineData("example.test.", "a.example.test.", false)]
    public void WithinMeansEqualOrBelowALabelBoundary(string name, string zone, bool expected) => DnsName.IsWithin(name, zone).Should().Be(expected);

    [Theory]
    [InlineData("4.7.3", "Replace")]
    [InlineData("4.9.11", "Replace")]
    [InlineData("4.9.12", "Atomic")]
    [InlineData("4.9.18", "Atomic")]
    [InlineData("5.0.0", "Replace")]
    [InlineData("5.0.1", "Replace")]
    [InlineData("5.0.2", "Atomic")]
    [InlineData("5.0.0-beta1", "Replace")]
    [InlineData("5.1.0-alpha1", "Atomic")]
    [InlineData("6.0.0", "Atomic")]
    [InlineData("0.0.0-git1234", "Replace")]
    [InlineData("master", "Replace")]
    public void TheStrategyFollowsTheServerVersion(string version, string expected) => EditStrategies.ForVersion(version).ToString().Should().Be(expected);

    // One write per server at a time whatever the strategy: on the bundled image's SERIALIZABLE PostgreSQL, PATCHes on
    // different zones at once abort each other (docs/architecture.md, decision 11), and SQLite locks the whole database.
    [Theory]
    [InlineData("Atomic")]
    [InlineData("Replace")]
    public void EveryStrategyWritesOneZoneOfAServerAtATime(string name)
    {
        var strategy = Enum.Parse<EditStrategy>(name);
        var (a, b) = (new Zone("a.test.", "a.test.", "Native"), new Zone("b.test.", "b.test.", "Native"));

        var scopes = new[] { a, b }.Select(zone => EditStrategies.Editor(strategy, api: null!, "server", "localhost", zone).Scope);

        scopes.Distinct().Should().ContainSingle().Which.Should().Be(new WriteScope("server", null));
    }
}
