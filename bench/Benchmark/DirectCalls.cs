using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>The PowerDNS API calls the alternatives make, with no webhook in between.</summary>
internal static class DirectCalls
{
    /// <summary>One RRset edit: name, change type and the (unquoted) values it carries.</summary>
    public sealed record Edit(string Name, string ChangeType, IReadOnlyCollection<string> Values);

    /// <summary>One PATCH carrying every edit; null on 204, else the status and PowerDNS's error text.</summary>
    public static async Task<string?> PatchAsync(PowerDns pdns, IEnumerable<Edit> edits, string zone = PowerDns.Zone)
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
            using var response = await pdns.Api.PatchAsJsonAsync(ZonePath(zone), new JsonObject { ["rrsets"] = rrsets });
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// What the existing solvers do for one challenge: read the name's TXT RRset, add or remove the key, write the whole
    /// RRset back with REPLACE. No lock, no retry, no coalescing: concurrent calls race.
    /// </summary>
    public static async Task<string?> ReadModifyWriteAsync(PowerDns pdns, string action, string fqdn, string key)
    {
        try
        {
            using var read = await pdns.Api.GetAsync(new Uri($"{ZonePath()}?rrset_name={fqdn}&rrset_type=TXT", UriKind.Relative));
            if (!read.IsSuccessStatusCode)
            {
                return $"GET: HTTP {(int)read.StatusCode}: {await read.Content.ReadAsStringAsync()}";
            }

            var zone = await read.Content.ReadFromJsonAsync<JsonObject>();
            var values = (zone?["rrsets"]?.AsArray() ?? []).OfType<JsonObject>()
                .Where(r => string.Equals(r["name"]?.GetValue<string>(), fqdn, StringComparison.OrdinalIgnoreCase) && r["type"]?.GetValue<string>() == "TXT")
                .SelectMany(r => r["records"]?.AsArray() ?? []).Select(r => (r?["content"]?.GetValue<string>() ?? "").Trim('"')).ToHashSet();
            if (action == "Present")
            {
                values.Add(key);
            }
            else
            {
                values.Remove(key);
            }

            return await PatchAsync(pdns, [new Edit(fqdn, "REPLACE", values)]);
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    private static Uri ZonePath(string zone = PowerDns.Zone) => new($"/api/v1/servers/localhost/zones/{zone}", UriKind.Relative);
}
