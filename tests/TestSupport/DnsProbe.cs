using System.Net;
using DnsClient;

namespace TestSupport;

/// <summary>Real DNS queries to a PowerDNS DNS port (on 127.0.0.1 unless told), uncached, as an ACME validator asks.</summary>
public sealed class DnsProbe(int port, bool useTcp = false, IPAddress? address = null)
{
    private readonly LookupClient _client = new(new LookupClientOptions(new NameServer(address ?? IPAddress.Loopback, port))
    {
        UseCache = false,
        Retries = 0,
        Timeout = TimeSpan.FromSeconds(2),
        UseTcpOnly = useTcp,
        ContinueOnDnsError = true,
        ThrowDnsErrors = false,
    });

    /// <summary>The TXT answer: its rcode and each record's strings concatenated (how validators compare values).</summary>
    public async Task<TxtAnswer> TxtAsync(string name)
    {
        var response = await _client.QueryAsync(name, QueryType.TXT);
        return new TxtAnswer(response.Header.ResponseCode, [.. response.Answers.TxtRecords().Select(r => string.Concat(r.Text))]);
    }
}

public sealed record TxtAnswer(DnsHeaderResponseCode Code, IReadOnlyList<string> Values)
{
    public bool IsNxDomain => Code == DnsHeaderResponseCode.NotExistentDomain;

    public override string ToString() => $"{Code} [{string.Join(", ", Values)}]";
}
