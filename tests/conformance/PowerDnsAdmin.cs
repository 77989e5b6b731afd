using System.Net.Http.Json;

namespace Conformance.Tests;

/// <summary>What a DNS admin sets up beside the webhook, through the PowerDNS API.</summary>
internal static class PowerDnsAdmin
{
    /// <summary>Sets (or, with no <paramref name="target"/>, deletes) a CNAME at <paramref name="name"/> in example.test.</summary>
    public static async Task SetCnameAsync(PowerDnsServer pdns, string name, string? target)
    {
        using var api = pdns.Api();
        var rrset = new
        {
            name,
            type = "CNAME",
            ttl = 60,
            changetype = target is null ? "DELETE" : "REPLACE",
            records = target is null ? [] : new[] { new { content = target, disabled = false } },
        };
        using var patch = await api.PatchAsJsonAsync("/api/v1/servers/localhost/zones/example.test.", new { rrsets = new[] { rrset } });
        patch.EnsureSuccessStatusCode();
        using var flush = await api.PutAsync($"/api/v1/servers/localhost/cache/flush?domain={name}", null);   // no stale answer before 4.9.12
        flush.EnsureSuccessStatusCode();
    }
}
