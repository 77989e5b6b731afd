using System.Net;
using PowerDnsClient;
using Webhook.Challenges;
using Webhook.Editing;
using Webhook.Issuers;

namespace Webhook.Freshness;

/// <summary>
/// The Issuer's <c>instances</c>: several PowerDNS processes serving one database, each with caches that only a write
/// through itself purges (docs/powerdns.md: a stale NXDOMAIN for about a minute). After a write, the written names are
/// flushed on every instance, and Present and CleanUp answer only once every instance serves the new set over DNS, so
/// cert-manager's own check passes at once and the ACME CA may ask any of them (docs/architecture.md, decision 12).
/// </summary>
internal sealed class PowerDnsInstances(PowerDnsClientFactory clients, TimeProvider time)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(3);

    /// <summary>One instance per address: a name with several A/AAAA records (a headless Service) means each. Resolved per call, as pods come and go.</summary>
    public static async Task<IReadOnlyList<Instance>> ResolveAsync(SolverConfig config, PowerDnsEndpoint endpoint, CancellationToken cancellationToken)
    {
        var resolved = await Task.WhenAll(config.Instances.Select(name => AddressesAsync(name, cancellationToken)));
        return [.. resolved
            .SelectMany(r => r.Addresses.Select(address => new Instance(r.Name, endpoint with { Address = address }, new IPEndPoint(address, config.DnsPort))))
            .DistinctBy(i => i.Dns)];
    }

    /// <summary>
    /// Drops a batch's names from the caches of each instance their callers named, once per batch: the name itself when
    /// the batch wrote one, else <paramref name="zone"/>, which purges the zone and every name below it in one call. A
    /// call per name would open as many connections at once as the batch has names, and PowerDNS's API, with a listen
    /// backlog of 10 and a database connection per request, drops their SYNs: 50 names on 2 instances made every flush
    /// take 1.6 s, and 18 of 100 failed (docs/powerdns.md). Best effort: an instance that misses it is flushed again by
    /// <see cref="ServeAsync"/> when it answers stale. With <paramref name="purgeRaces"/>, each flush is sent twice
    /// (<see cref="FlushAsync(Instance, string, bool, CancellationToken)"/>).
    /// </summary>
    public async Task FlushAsync(IEnumerable<(Instance Instance, string Name)> targets, string zone, bool purgeRaces, CancellationToken cancellationToken)
    {
        var perInstance = targets.GroupBy(t => t.Instance, t => t.Name)
            .Select(names => (Instance: names.Key, Name: names.Distinct().Take(2).Count() == 1 ? names.First() : zone))
            .ToList();
        if (perInstance.Count == 0)
        {
            return;   // no caller named instances: no timers for nothing, on every batch
        }

        using var limit = new CancellationTokenSource(FlushTimeout, time);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        await Task.WhenAll(perInstance.Select(t => FlushAsync(t.Instance, t.Name, purgeRaces, both.Token)));
    }

    /// <summary>Waits until every instance serves <paramref name="edit"/>'s outcome; at the deadline, names those that do not.</summary>
    public async Task ServeAsync(IReadOnlyList<Instance> instances, TxtEdit edit, bool purgeRaces, CancellationToken cancellationToken)
    {
        var lagging = (await Task.WhenAll(instances.Select(i => LagAsync(i, edit, purgeRaces, cancellationToken)))).OfType<string>().ToList();
        if (lagging.Count > 0)
        {
            throw new SolverException($"{lagging.Count} of {instances.Count} PowerDNS instances (field 'instances') did not serve the TXT set of '{edit.Name}' "
                + $"{(edit.Add ? "with" : "without")} the value: {string.Join("; ", lagging)}");
        }
    }

    // Null once the instance serves the outcome; what it last answered if the call's time runs out first.
    private async Task<string?> LagAsync(Instance instance, TxtEdit edit, bool purgeRaces, CancellationToken cancellationToken)
    {
        var (last, flushFailure) = ("nothing", (string?)null);
        while (true)
        {
            var (answer, text) = await AskAsync(instance, edit.Name, cancellationToken);
            if (answer is not null && answer.Shows(edit.Value, edit.Add))
            {
                return null;
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                // Stale after the flush: a query raced the purge, or the database has not shown this instance the write yet.
                last = text;
                var failure = await FlushAsync(instance, edit.Name, purgeRaces, cancellationToken);
                flushFailure = cancellationToken.IsCancellationRequested ? flushFailure : failure;   // keep the last that had an outcome
                await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return $"{instance} answered {last}" + (flushFailure is null ? "" : $", and flushing its cache failed: {flushFailure}");
            }
        }
    }

    private async Task<(ServedTxt? Answer, string Text)> AskAsync(Instance instance, string name, CancellationToken cancellationToken)
    {
        using var limit = new CancellationTokenSource(QueryTimeout, time);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        var ask = TxtQuery.AskAsync(instance.Dns, name, both.Token);
        await ((Task)ask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return ask.IsCompletedSuccessfully ? (ask.Result, ask.Result.ToString())
            : (null, ask.IsCanceled ? $"nothing within {QueryTimeout.TotalSeconds:0} s" : $"an error ({ask.Exception?.InnerException?.Message})");
    }

    /// <summary>
    /// Null when flushed, else why not. Before 4.9.12 PowerDNS purges its packet cache before its query cache, so a query
    /// between the two puts the stale answer back into the packet cache for its TTL. A second purge, sent once the first
    /// has answered, removes it, and the query cache no longer holds the stale answer to rebuild it from (docs/powerdns.md,
    /// "Caches"). Only resolvers asking that very question (the packet cache keys on the whole query) see the stale
    /// answer, so the check in <see cref="ServeAsync"/> cannot be relied on to notice it.
    /// </summary>
    private async Task<string?> FlushAsync(Instance instance, string name, bool purgeRaces, CancellationToken cancellationToken)
    {
        var api = clients.Create(instance.Api);
        var failure = await FlushOnceAsync(api, instance, name, cancellationToken);
        return purgeRaces && failure is null ? await FlushOnceAsync(api, instance, name, cancellationToken) : failure;
    }

    private static async Task<string?> FlushOnceAsync(IPowerDnsApi api, Instance instance, string name, CancellationToken cancellationToken)
    {
        var flush = api.FlushCacheAsync(instance.Api.ServerId, name, cancellationToken);
        await ((Task)flush).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return flush.IsCompletedSuccessfully ? null : flush.Exception?.InnerException?.Message ?? "no answer in time";
    }

    private static async Task<(string Name, IPAddress[] Addresses)> AddressesAsync(string name, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(name, out var address) && address.ToString() == name)   // SolverConfig writes addresses canonically
        {
            return (name, [address]);
        }

        var lookup = Dns.GetHostAddressesAsync(name, cancellationToken);
        await ((Task)lookup).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        return lookup.IsCompletedSuccessfully && lookup.Result.Length > 0
            ? (name, lookup.Result)
            : throw new SolverException($"'{name}' of field 'instances' does not resolve: {lookup.Exception?.InnerException?.Message ?? "no addresses"}");
    }
}
