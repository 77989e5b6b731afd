using PowerDnsClient;
using Webhook.Editing;
using Record = PowerDnsClient.Record;

namespace Webhook.Tests;

public sealed class TxtRecordsTests
{
    private const string Name = "_acme-challenge.example.test.";

    [Fact]
    public void AddingKeepsTheValuesOfOtherChallenges()
    {
        IReadOnlyList<Record> current = [new("\"other\"")];

        var next = TxtRecords.Apply(current, [new TxtEdit(Name, "mine", 60, Add: true)]);

        next.Select(r => r.Content).Should().Equal("\"other\"", "\"mine\"");
    }

    [Fact]
    public void AddingAPresentValueChangesNothing()
    {
        IReadOnlyList<Record> current = [new("\"mine\"")];

        var next = TxtRecords.Apply(current, [new TxtEdit(Name, "mine", 60, Add: true)]);

        next.Should().Equal(current);
    }

    [Fact]
    public void RemovingTakesOnlyThatValueAndToleratesItsAbsence()
    {
        IReadOnlyList<Record> current = [new("\"a\""), new("\"b\"")];

        var next = TxtRecords.Apply(current, [new TxtEdit(Name, "a", 60, Add: false), new TxtEdit(Name, "zzz", 60, Add: false)]);

        next.Select(r => r.Content).Should().Equal("\"b\"");
    }

    [Fact]
    public void EditsApplyInOrder()
    {
        var next = TxtRecords.Apply([], [new TxtEdit(Name, "a", 60, Add: true), new TxtEdit(Name, "a", 60, Add: false), new TxtEdit(Name, "b", 60, Add: true)]);

        next.Select(r => r.Content).Should().Equal("\"b\"");
    }

    [Fact]
    public void AnEmptyReplaceDeletesTheRRSet()
    {
        var rrset = TxtRecords.Replace(Name, 60, []);

        rrset.Should().Be(new RRSet(Name, "TXT", 60, rrset.Records) { ChangeType = ChangeType.Replace });
        rrset.Records.Should().BeEmpty();
    }

    [Theory]
    [InlineData(true, ChangeType.Extend)]
    [InlineData(false, ChangeType.Prune)]
    public void AtomicEditsCarryOneQuotedRecordAndATtl(bool add, ChangeType expected)
    {
        var rrset = TxtRecords.Atomic(new TxtEdit(Name, "k", 120, add));

        rrset.ChangeType.Should().Be(expected);
        rrset.Ttl.Should().Be(120);
        rrset.Records.Should().Equal(new Record("\"k\""));
    }
}
