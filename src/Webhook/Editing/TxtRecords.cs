using PowerDnsClient;

namespace Webhook.Editing;

/// <summary>
/// TXT RRSet edits with set semantics: adding a present value and removing an absent one change nothing, and other
/// values are kept. PowerDNS stores TXT content quoted, so values are compared and written as <c>"value"</c>.
/// </summary>
internal static class TxtRecords
{
    public const string Type = "TXT";

    /// <summary>The records after applying <paramref name="edits"/> in order.</summary>
    public static IReadOnlyList<Record> Apply(IReadOnlyList<Record> current, IEnumerable<TxtEdit> edits)
    {
        var records = current.ToList();
        foreach (var edit in edits)
        {
            var content = Quote(edit.Value);
            var present = records.Exists(r => r.Content == content);
            if (edit.Add && !present)
            {
                records.Add(new Record(content));
            }
            else if (!edit.Add)
            {
                records.RemoveAll(r => r.Content == content);
            }
        }

        return records;
    }

    /// <summary>The whole RRSet; an empty list deletes it (the last CleanUp leaves NXDOMAIN).</summary>
    public static RRSet Replace(string name, int ttl, IReadOnlyList<Record> records) =>
        new(name, Type, ttl, records) { ChangeType = ChangeType.Replace };

    /// <summary>One atomic change: EXTEND adds the value unless present, PRUNE removes it if present (both need a TTL).</summary>
    public static RRSet Atomic(TxtEdit edit) =>
        new(edit.Name, Type, edit.Ttl, [new Record(Quote(edit.Value))]) { ChangeType = edit.Add ? ChangeType.Extend : ChangeType.Prune };

    public static string Quote(string value) => $"\"{value}\"";
}
