using System.Net;
using DnsClient;

namespace Conformance.Tests;

/// <summary>
/// Upstream's two DNS checks (test/acme/util.go over pkg/issuer/acme/dns/util/wait.go) with <c>useAuthoritative=false</c>
/// and the test server set to the PowerDNS DNS port, as webhook-example runs the suite. A check answers done or not yet;
/// an error (a query that fails, an rcode other than NOERROR or NXDOMAIN, a CNAME loop) throws and fails the case.
/// </summary>
internal sealed class DnsChecks(int port)
{
    // DNSQuery: UDP with a 10 s timeout and an EDNS0 buffer of 4096; TCP when truncated or when UDP times out.
    private readonly LookupClient _udp = Client(port, recursion: true, tcp: false);
    private readonly LookupClient _udpNoRecursion = Client(port, recursion: false, tcp: false);
    private readonly LookupClient _tcp = Client(port, recursion: true, tcp: true);
    private readonly LookupClient _tcpNoRecursion = Client(port, recursion: false, tcp: true);

    public string Server => $"127.0.0.1:{port}";

    /// <summary>
    /// <c>recordHasPropagatedCheck</c>: follow CNAMEs from <paramref name="fqdn"/>, then some TXT RR whose strings,
    /// concatenated, equal <paramref name="value"/>. NXDOMAIN is "not yet".
    /// </summary>
    public async Task<bool> HasPropagatedAsync(string fqdn, string value)
    {
        var name = await FollowCnamesAsync(fqdn, []);
        var answer = await QueryAsync(name, QueryType.TXT, recursive: true);
        if (answer.Header.ResponseCode is not (DnsHeaderResponseCode.NoError or DnsHeaderResponseCode.NotExistentDomain))
        {
            throw new DnsCheckException($"NS {Server} returned {answer.Header.ResponseCode} for {name}");
        }

        return answer.Answers.TxtRecords().Any(txt => string.Concat(txt.Text) == value);
    }

    /// <summary>
    /// <c>recordHasBeenDeletedCheck</c>: NXDOMAIN, or NOERROR with no TXT string element equal to <paramref name="value"/>.
    /// No CNAME is followed and the RD bit follows useAuthoritative (off), as upstream queries.
    /// </summary>
    public async Task<bool> HasBeenDeletedAsync(string fqdn, string value)
    {
        var answer = await QueryAsync(fqdn, QueryType.TXT, recursive: false);
        return answer.Header.ResponseCode switch
        {
            DnsHeaderResponseCode.NotExistentDomain => true,
            DnsHeaderResponseCode.NoError => !answer.Answers.TxtRecords().Any(txt => txt.Text.Contains(value)),
            var code => throw new DnsCheckException($"unexpected error from DNS server: {code}"),
        };
    }

    /// <summary>Every TXT RR at <paramref name="fqdn"/>, each as its strings concatenated (for counting duplicates).</summary>
    public async Task<IReadOnlyList<string>> TxtValuesAsync(string fqdn) =>
        [.. (await QueryAsync(fqdn, QueryType.TXT, recursive: true)).Answers.TxtRecords().Select(txt => string.Concat(txt.Text))];

    /// <summary>The CNAME target at <paramref name="fqdn"/>, if any.</summary>
    public async Task<string?> CnameAsync(string fqdn) =>
        (await QueryAsync(fqdn, QueryType.CNAME, recursive: true)).Answers.CnameRecords().FirstOrDefault(c => c.DomainName.Value == fqdn)?.CanonicalName.Value;

    // followCNAMEs: query CNAME with RD; a non-NOERROR answer ends the chain; a target seen before is a loop.
    private async Task<string> FollowCnamesAsync(string fqdn, IReadOnlyList<string> chain)
    {
        var answer = await QueryAsync(fqdn, QueryType.CNAME, recursive: true);
        if (answer.Header.ResponseCode is not DnsHeaderResponseCode.NoError)
        {
            return fqdn;
        }

        if (answer.Answers.CnameRecords().FirstOrDefault(c => c.DomainName.Value == fqdn) is not { } cname)
        {
            return fqdn;
        }

        var target = cname.CanonicalName.Value;
        return chain.Contains(target)
            ? throw new DnsCheckException($"Found recursive CNAME record to \"{target}\" when looking up \"{fqdn}\"")
            : await FollowCnamesAsync(target, [.. chain, fqdn]);
    }

    private async Task<IDnsQueryResponse> QueryAsync(string name, QueryType type, bool recursive)
    {
        try
        {
            return await (recursive ? _udp : _udpNoRecursion).QueryAsync(name, type);   // retried over TCP itself when truncated
        }
        catch (DnsResponseException e) when (e.Code == DnsResponseCode.ConnectionTimeout)
        {
            return await (recursive ? _tcp : _tcpNoRecursion).QueryAsync(name, type);
        }
    }

    private static LookupClient Client(int port, bool recursion, bool tcp) => new(new LookupClientOptions(new NameServer(IPAddress.Loopback, port))
    {
        Recursion = recursion,
        UseTcpOnly = tcp,
        UseTcpFallback = true,
        ExtendedDnsBufferSize = 4096,
        Timeout = TimeSpan.FromSeconds(10),
        Retries = 0,
        UseCache = false,
        ThrowDnsErrors = false,
        ContinueOnDnsError = false,
        ContinueOnEmptyResponse = false,
    });
}
