namespace E2E.Tests;

/// <summary>A real PowerDNS and a real Pebble that validates DNS-01 against it: the public side of the product.</summary>
public abstract class AcmeStack(PowerDnsServer powerDns) : IAsyncLifetime
{
    public PowerDnsServer PowerDns => powerDns;

    public Pebble Pebble { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await powerDns.InitializeAsync();
        Pebble = await Pebble.StartAsync(powerDns.DnsPort);
    }

    public async ValueTask DisposeAsync()
    {
        await Pebble.DisposeAsync();
        await powerDns.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>PowerDNS 4.7.3 (Debian 12's): edits by REPLACE.</summary>
public sealed class AcmeStack473() : AcmeStack(new DebianPowerDnsServer());

/// <summary>PowerDNS 4.9.18, the bundled image's: edits by EXTEND/PRUNE.</summary>
public sealed class AcmeStack4918() : AcmeStack(new TrixiePowerDnsServer());
