using System.Net;
using PowerDnsClient;

namespace Webhook.Freshness;

/// <summary>One PowerDNS instance serving the zone: its API (the Issuer's <c>host</c> pinned to its address) and its DNS port.</summary>
/// <param name="Name">As the Issuer's <c>instances</c> lists it: an address, or a name that resolved to <see cref="Dns"/>'s address.</param>
/// <param name="Api">The Issuer's endpoint with <see cref="PowerDnsEndpoint.Address"/> set to this instance's.</param>
/// <param name="Dns">Where this instance answers DNS: its address and the Issuer's <c>dnsPort</c>.</param>
internal sealed record Instance(string Name, PowerDnsEndpoint Api, IPEndPoint Dns)
{
    public override string ToString() => Name == Dns.Address.ToString() ? $"{Dns}" : $"{Name} ({Dns})";
}
