using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DnsClient;

namespace Conformance.Tests;

/// <summary>
/// cert-manager's test/acme fixture (fixture.go, options.go, util.go), ported for one PowerDNS and one solver-config
/// case: a testdata folder whose config.json is the Issuer config and whose other manifests are applied into a fresh
/// namespace of the fake Kubernetes API; upstream's defaults; the checks polled every 100 ms within its 2-minute limit.
/// </summary>
internal sealed class ConformanceFixture
{
    /// <summary>SetResolvedZone: a zone the PowerDNS fixture serves.</summary>
    public const string ResolvedZone = "example.test.";

    /// <summary>Upstream's default: <c>"cert-manager-dns01-tests." + resolvedZone</c> (not _acme-challenge).</summary>
    public const string ResolvedFqdn = "cert-manager-dns01-tests." + ResolvedZone;

    /// <summary>Upstream's defaults.</summary>
    public const string DnsName = "example.com";

    public const string DnsChallengeKey = "123d==";

    /// <summary>Upstream polls every 3 s; 100 ms keeps the suite fast and changes nothing else.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Upstream's <c>defaultPropagationLimit</c>.</summary>
    public static readonly TimeSpan PropagationLimit = TimeSpan.FromMinutes(2);

    private readonly ConformanceStack _stack;
    private readonly Testdata _testdata;
    private readonly CertManagerClient _certManager;
    private readonly Stack<Func<Task>> _deferred = new();

    public ConformanceFixture(ConformanceStack stack, PowerDnsServer pdns, ApiEndpoint endpoint, string variant)
    {
        (_stack, _testdata, PowerDns) = (stack, new Testdata(variant, endpoint), pdns);
        _certManager = new CertManagerClient(stack.Webhook.Aggregator);
        JsonConfig = _testdata.Config();
        Dns = new DnsChecks(pdns.DnsPort);
    }

    /// <summary>SetDNSServer: the PowerDNS DNS port, with useAuthoritative=false (there is no delegation to follow).</summary>
    public DnsChecks Dns { get; }

    public PowerDnsServer PowerDns { get; }

    /// <summary>config.json, with its placeholders filled in for this PowerDNS.</summary>
    public JsonNode JsonConfig { get; }

    /// <summary>
    /// <c>setupNamespace</c>: a fresh namespace named after <paramref name="name"/> (generateName-style, since one fake
    /// API serves every case), every .json/.yaml/.yml manifest but config.json applied into it, deleted at the end.
    /// </summary>
    public string SetupNamespace(string name)
    {
        var ns = $"{name}-{RandomNumberGenerator.GetString("bcdfghjklmnpqrstvwxz2456789", 5)}";
        _stack.CreateNamespace(ns);
        Defer(() =>
        {
            _stack.DeleteNamespace(ns);
            return Task.CompletedTask;
        });
        _testdata.ApplyInto(_stack.Kube, ns);
        return ns;
    }

    /// <summary><c>buildChallengeRequest</c>.</summary>
    public ChallengeRequest BuildChallengeRequest(string ns) => new(DnsName, DnsChallengeKey, ns, ResolvedFqdn, ResolvedZone, JsonConfig);

    public Task PresentAsync(ChallengeRequest ch) => _certManager.PresentAsync(ch);

    public Task CleanUpAsync(ChallengeRequest ch) => _certManager.CleanUpAsync(ch);

    /// <summary>Go's <c>defer</c>: runs when the case ends, last registered first, even when it failed.</summary>
    public void Defer(Func<Task> action) => _deferred.Push(action);

    public Func<Task<bool>> RecordHasPropagatedCheck(string fqdn, string value) => () => Dns.HasPropagatedAsync(fqdn, value);

    public Func<Task<bool>> RecordHasBeenDeletedCheck(string fqdn, string value) => () => Dns.HasBeenDeletedAsync(fqdn, value);

    public static Func<Task<bool>> AllConditions(params Func<Task<bool>>[] conditions) => async () =>
    {
        foreach (var condition in conditions)
        {
            if (!await condition())
            {
                return false;
            }
        }

        return true;
    };

    /// <summary>
    /// <c>wait.PollUntilContextTimeout(interval, limit, immediate: true, condition)</c>: checks now, then every
    /// <see cref="PollInterval"/>; an error from a check ends the wait at once, as upstream's does.
    /// </summary>
    public async Task PollAsync(Func<Task<bool>> condition, string waitingFor, string fqdn)
    {
        var started = Stopwatch.StartNew();
        try
        {
            while (!await condition())
            {
                if (started.Elapsed > PropagationLimit)
                {
                    throw new TimeoutException($"error waiting for {waitingFor}: context deadline exceeded after {PropagationLimit}; {await DescribeAsync(fqdn)}");
                }

                await Task.Delay(PollInterval);
            }
        }
        catch (DnsCheckException e)
        {
            throw new DnsCheckException($"error waiting for {waitingFor}: {e.Message}; {await DescribeAsync(fqdn)}");
        }
    }

    /// <summary>Runs <paramref name="test"/> then the deferred calls; every error among them fails the case.</summary>
    public async Task RunAsync(Func<ConformanceFixture, Task> test)
    {
        var errors = new List<Exception>();
        try
        {
            await test(this);
        }
        catch (Exception e)
        {
            errors.Add(e);
        }

        while (_deferred.TryPop(out var deferred))
        {
            try
            {
                await deferred();
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }

        if (errors.Count == 1)
        {
            ExceptionDispatchInfo.Throw(errors[0]);
        }

        if (errors.Count > 1)
        {
            throw new AggregateException(errors);
        }
    }

    private async Task<string> DescribeAsync(string fqdn)
    {
        string served;
        try
        {
            served = string.Join(", ", (await Dns.TxtValuesAsync(fqdn)).Select(v => $"\"{v}\""));
        }
        catch (DnsResponseException e)
        {
            served = e.Message;
        }

        var log = _stack.Webhook.ToString().Split('\n');
        return $"TXT at {fqdn} on {Dns.Server}: [{served}]\nlast lines of the webhook's output:\n{string.Join('\n', log.TakeLast(30))}";
    }
}
