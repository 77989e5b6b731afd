using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>The PowerDNS API calls the alternatives make, with no webhook in between.</summary>
internal static class DirectCalls
{
    /// <summary>One RRset edit: name, change type and the (unquoted) values it carries.</summary>
    public sealed record Edit(string Name, string ChangeType, IReadOnlyCollection<string> Values);

    /// <summary>One PATCH carrying every edit; null on 204, else the status and PowerDNS's error text.</summary>
    public static async Task<string?> PatchAsync(PowerDns pdns, IEnumerable<Edit> edits, string zone = PowerDns.Zone, CancellationToken cancellationToken = default)
    {
        var rrsets = new JsonArray([.. edits.Select(e => (JsonNode)new JsonObject
        {
            ["name"] = e.Name,
            ["type"] = "TXT",
            ["ttl"] = 60,
            ["changetype"] = e.ChangeType,
            ["records"] = new JsonArray([.. e.Values.Select(v => (JsonNode)new JsonObject { ["content"] = $"\"{v}\"", ["disabled"] = false })]),
        })]);
        try
        {
            using var response = await pdns.Api.PatchAsJsonAsync(ZonePath(zone), new JsonObject { ["rrsets"] = rrsets }, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)   // TaskCanceled: the caller's budget, or no answer within 30 s
        {
            return e.Message;
        }
    }

    /// <summary>
    /// What the existing solvers do for one challenge: read the name's TXT RRset, add or remove the key, write the whole
    /// RRset back with REPLACE. No lock, no retry, no coalescing: concurrent calls race.
    /// </summary>
    public static async Task<string?> ReadModifyWriteAsync(PowerDns pdns, string action, string fqdn, string key, string zone = PowerDns.Zone,
        CancellationToken cancellationToken = default)
    {
        try
        {
            using var read = await pdns.Api.GetAsync(new Uri($"{ZonePath(zone)}?rrset_name={fqdn}&rrset_type=TXT", UriKind.Relative), cancellationToken);
            if (!read.IsSuccessStatusCode)
            {
                return $"GET: HTTP {(int)read.StatusCode}: {await read.Content.ReadAsStringAsync(cancellationToken)}";
            }

            var rrsets = await read.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            var values = (rrsets?["rrsets"]?.AsArray() ?? []).OfType<JsonObject>()
                .Where(r => string.Equals(r["name"]?.GetValue<string>(), fqdn, StringComparison.OrdinalIgnoreCase) && r["type"]?.GetValue<string>() == "TXT")
                .SelectMany(TxtValues).ToHashSet();
            if (action == "Present")
            {
                values.Add(key);
            }
            else
            {
                values.Remove(key);
            }

            return await PatchAsync(pdns, [new Edit(fqdn, "REPLACE", values)], zone, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// The fewest calls that keep a zone right when others write it too, for a burst's edits (FQDN and key each): with
    /// EXTEND/PRUNE one PATCH of one change per value; without, a GET of the zone, one PATCH REPLACE of the names from
    /// what it held, and the cache flush that closes the stale-answer race of servers before 4.9.12 (docs/powerdns.md,
    /// "Caches"). The target's batch, a REPLACE of values the caller alone knows, is not one a shared zone allows.
    /// </summary>
    public static async Task<string?> CorrectBatchAsync(PowerDns pdns, bool atomic, bool add, IReadOnlyList<(string Fqdn, string Key)> challenges)
    {
        if (atomic)
        {
            return await PatchAsync(pdns, challenges.Select(c => new Edit(c.Fqdn, add ? "EXTEND" : "PRUNE", [c.Key])));
        }

        try
        {
            using var read = await pdns.Api.GetAsync(ZonePath());
            if (!read.IsSuccessStatusCode)
            {
                return $"GET: HTTP {(int)read.StatusCode}: {await read.Content.ReadAsStringAsync()}";
            }

            var held = ((await read.Content.ReadFromJsonAsync<JsonObject>())?["rrsets"]?.AsArray() ?? []).OfType<JsonObject>()
                .Where(r => r["type"]?.GetValue<string>() == "TXT")
                .ToDictionary(r => r["name"]?.GetValue<string>() ?? "", TxtValues, StringComparer.OrdinalIgnoreCase);
            var edits = challenges.GroupBy(c => c.Fqdn).Select(name =>
            {
                var values = held.GetValueOrDefault(name.Key) ?? [];
                foreach (var (_, key) in name)
                {
                    _ = add ? values.Add(key) : values.Remove(key);
                }

                return new Edit(name.Key, "REPLACE", values);
            });
            if (await PatchAsync(pdns, edits) is { } error)
            {
                return error;
            }

            using var flush = await pdns.Api.PutAsync(new Uri($"/api/v1/servers/localhost/cache/flush?domain={PowerDns.Zone}", UriKind.Relative), null);
            return flush.IsSuccessStatusCode ? null : $"cache flush: HTTP {(int)flush.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return e.Message;
        }
    }

    private static HashSet<string> TxtValues(JsonObject rrset) =>
        (rrset["records"]?.AsArray() ?? []).Select(r => (r?["content"]?.GetValue<string>() ?? "").Trim('"')).ToHashSet();

    private static Uri ZonePath(string zone = PowerDns.Zone) => new($"/api/v1/servers/localhost/zones/{zone}", UriKind.Relative);
}
