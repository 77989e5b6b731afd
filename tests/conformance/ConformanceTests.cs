using System.Diagnostics;

namespace Conformance.Tests;

/// <summary>
/// cert-manager's DNS-01 conformance suite (test/acme/suite.go) under upstream's names, in strict mode, then cases of
/// our own that upstream never tests; every one against PowerDNS 4.7, 4.9 and 5.1 in every solver-config variant (testdata/).
/// The last test prints the table of all cells.
/// </summary>
[TestMethodOrderer(typeof(DeclarationOrder))]
[TestCaseOrderer(typeof(DeclarationOrder))]
public sealed class ConformanceTests(DebianPowerDnsServer pdns47, TrixiePowerDnsServer pdns49, ForkyPowerDnsServer pdns51, ConformanceStack stack, ConformanceReport report)
{
    public static MatrixTheoryData<string, string> Cells => new(["4.7", "4.9", "5.1"], Variants.All);

    [Theory]
    [MemberData(nameof(Cells))]
    public Task BasicPresentRecord(string pdns, string variant) => RunAsync("Basic/PresentRecord", pdns, variant, async f =>
    {
        var ns = f.SetupNamespace("basic-present-record");
        var ch = f.BuildChallengeRequest(ns);

        await f.PresentAsync(ch);
        f.Defer(() => f.CleanUpAsync(ch));   // so CleanUp runs twice: on a record already deleted it must succeed too
        await f.PollAsync(f.RecordHasPropagatedCheck(ch.ResolvedFqdn, ch.Key), "DNS record propagation", ch.ResolvedFqdn);
        await f.CleanUpAsync(ch);
        await f.PollAsync(f.RecordHasBeenDeletedCheck(ch.ResolvedFqdn, ch.Key), "record to be deleted", ch.ResolvedFqdn);
    });

    [Theory]
    [MemberData(nameof(Cells))]
    public Task ExtendedDeletingOneRecordRetainsOthers(string pdns, string variant) => RunAsync("Extended/DeletingOneRecordRetainsOthers", pdns, variant, async f =>
    {
        var ns = f.SetupNamespace("extended-supports-multiple-same-domain");
        var ch = f.BuildChallengeRequest(ns);
        var ch2 = ch with { Key = "anothertestingkey" };

        await f.PresentAsync(ch);
        f.Defer(() => f.CleanUpAsync(ch));
        await f.PresentAsync(ch2);
        f.Defer(() => f.CleanUpAsync(ch2));
        await f.PollAsync(
            ConformanceFixture.AllConditions(f.RecordHasPropagatedCheck(ch.ResolvedFqdn, ch.Key), f.RecordHasPropagatedCheck(ch2.ResolvedFqdn, ch2.Key)),
            "DNS record propagation", ch.ResolvedFqdn);
        await f.CleanUpAsync(ch2);
        await f.PollAsync(
            ConformanceFixture.AllConditions(f.RecordHasBeenDeletedCheck(ch2.ResolvedFqdn, ch2.Key), f.RecordHasPropagatedCheck(ch.ResolvedFqdn, ch.Key)),
            "DNS record propagation", ch.ResolvedFqdn);
    });

    // cert-manager calls Present again whenever it has not recorded the challenge as presented (a retry, a restart).
    [Theory]
    [MemberData(nameof(Cells))]
    public Task PresentThreeTimesServesOneValue(string pdns, string variant) => RunAsync("Beyond/PresentThreeTimesServesOneValue", pdns, variant, async f =>
    {
        var ns = f.SetupNamespace("idempotent-present");
        var ch = f.BuildChallengeRequest(ns) with { DnsName = "idempotent.example.test", ResolvedFqdn = "_acme-challenge.idempotent.example.test.", Key = ChallengeRequest.NewKey() };

        await f.PresentAsync(ch);
        f.Defer(() => f.CleanUpAsync(ch));
        await f.PresentAsync(ch);
        await f.PresentAsync(ch);
        await f.PollAsync(f.RecordHasPropagatedCheck(ch.ResolvedFqdn, ch.Key), "DNS record propagation", ch.ResolvedFqdn);
        (await f.Dns.TxtValuesAsync(ch.ResolvedFqdn)).Should().Equal([ch.Key], "three Presents of one value serve it once");
        await f.CleanUpAsync(ch);   // one CleanUp suffices: no second copy was left behind
        await f.PollAsync(f.RecordHasBeenDeletedCheck(ch.ResolvedFqdn, ch.Key), "record to be deleted", ch.ResolvedFqdn);
    });

    // Distinct challenges on one name (apex and wildcard, several orders, clusters) overlap; none may lose another's value.
    [Theory]
    [MemberData(nameof(Cells))]
    public Task FiftyConcurrentKeysOnOneNameAreAllServedThenAllRemoved(string pdns, string variant) => RunAsync("Beyond/FiftyConcurrentKeysOnOneName", pdns, variant, async f =>
    {
        var ns = f.SetupNamespace("concurrent-same-name");
        var name = "_acme-challenge.concurrent.example.test.";
        var challenges = Enumerable.Range(0, 50)
            .Select(_ => f.BuildChallengeRequest(ns) with { DnsName = "concurrent.example.test", ResolvedFqdn = name, Key = ChallengeRequest.NewKey() })
            .ToList();

        var presents = Task.WhenAll(challenges.Select(f.PresentAsync));
        f.Defer(() => Task.WhenAll(challenges.Select(f.CleanUpAsync)));
        await presents;
        await f.PollAsync(ConformanceFixture.AllConditions([.. challenges.Select(ch => f.RecordHasPropagatedCheck(name, ch.Key))]), "all 50 values to propagate", name);
        await Task.WhenAll(challenges.Select(f.CleanUpAsync));
        await f.PollAsync(ConformanceFixture.AllConditions([.. challenges.Select(ch => f.RecordHasBeenDeletedCheck(name, ch.Key))]), "all 50 values to be deleted", name);
    });

    // cnameStrategy: Follow. cert-manager sends the CNAME's target as resolvedFQDN, with the zone DNS gives for it.
    [Theory]
    [MemberData(nameof(Cells))]
    public Task CnameFollowedResolvedFqdnInAnotherZone(string pdns, string variant) => RunAsync("Beyond/CnameFollowedResolvedFqdnInAnotherZone", pdns, variant, async f =>
    {
        const string challenge = "_acme-challenge.cname.example.test.";
        const string target = "_acme-challenge.cname-target.other.test.";
        var ns = f.SetupNamespace("cname-followed");
        await PowerDnsAdmin.SetCnameAsync(f.PowerDns, challenge, target);
        f.Defer(() => PowerDnsAdmin.SetCnameAsync(f.PowerDns, challenge, null));
        var ch = f.BuildChallengeRequest(ns) with { DnsName = "cname.example.test", ResolvedFqdn = target, ResolvedZone = "other.test.", Key = ChallengeRequest.NewKey() };

        await f.PresentAsync(ch);
        f.Defer(() => f.CleanUpAsync(ch));
        // Asked as cert-manager's self-check and the ACME CA ask: at the challenge name, following its CNAME.
        await f.PollAsync(f.RecordHasPropagatedCheck(challenge, ch.Key), "DNS record propagation through the CNAME", target);
        await f.CleanUpAsync(ch);
        await f.PollAsync(f.RecordHasBeenDeletedCheck(target, ch.Key), "record to be deleted", target);
        (await f.Dns.CnameAsync(challenge)).Should().Be(target, "the webhook writes at resolvedFQDN and leaves the CNAME alone");
    });

    // resolvedZone comes from SOA queries (e.g. a split-horizon view); PowerDNS's own zones decide where the record goes.
    [Theory]
    [MemberData(nameof(Cells))]
    public Task ResolvedZoneParentOfThePowerDnsZone(string pdns, string variant) => RunAsync("Beyond/ResolvedZoneParentOfThePowerDnsZone", pdns, variant, async f =>
    {
        var ns = f.SetupNamespace("parent-resolved-zone");
        var ch = f.BuildChallengeRequest(ns) with
        {
            DnsName = "child.example.test",
            ResolvedFqdn = "cert-manager-dns01-tests.child.example.test.",
            ResolvedZone = "example.test.",
            Key = ChallengeRequest.NewKey(),
        };

        await f.PresentAsync(ch);
        f.Defer(() => f.CleanUpAsync(ch));
        await f.PollAsync(f.RecordHasPropagatedCheck(ch.ResolvedFqdn, ch.Key), "DNS record propagation", ch.ResolvedFqdn);
        await f.CleanUpAsync(ch);
        await f.PollAsync(f.RecordHasBeenDeletedCheck(ch.ResolvedFqdn, ch.Key), "record to be deleted", ch.ResolvedFqdn);
    });

    [Fact]
    public void EveryCellOfTheConformanceTablePasses()
    {
        var table = report.Table();
        var reviews = stack.Kube.ReceivedReviews.Select(review =>
            (User: review["spec"]?["user"]?.GetValue<string>(), Resource: review["spec"]?["resourceAttributes"]?["resource"]?.GetValue<string>()));

        TestContext.Current.TestOutputHelper!.WriteLine(table);

        report.Cells.Should().OnlyContain(cell => cell.Passed, "every cell must pass:\n{0}", table);
        if (report.Cells.Count > 0)
        {
            reviews.Should().Contain((ConformanceStack.CertManager, ConformanceStack.Solver),
                "the cells reached the webhook as cert-manager does, through delegated authorization (a SubjectAccessReview)");
        }
    }

    private async Task RunAsync(string name, string pdns, string variant, Func<ConformanceFixture, Task> test)
    {
        var server = pdns switch { "4.7" => (PowerDnsServer)pdns47, "4.9" => pdns49, _ => pdns51 };
        var endpoint = await stack.EndpointAsync(server, variant);   // a proxy's start is not the case's time
        var time = Stopwatch.StartNew();
        var passed = false;
        try
        {
            await new ConformanceFixture(stack, server, endpoint, variant).RunAsync(test);
            passed = true;
        }
        finally
        {
            report.Add(new(name, server.Version, variant, passed, time.Elapsed));
            TestContext.Current.TestOutputHelper?.WriteLine($"{name}, PowerDNS {server.Version}, {variant}: {(passed ? "pass" : "FAIL")} in {time.Elapsed.TotalSeconds:0.00} s");
        }
    }
}
