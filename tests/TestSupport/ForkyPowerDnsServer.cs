namespace TestSupport;

/// <summary>PowerDNS 5.1.5, the newest (Debian forky), with the image's recipe unchanged: normalised content, stricter TTL checks.</summary>
public sealed class ForkyPowerDnsServer() : RootFsPowerDnsServer("forky");
