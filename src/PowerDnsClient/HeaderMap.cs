using System.Collections.ObjectModel;

namespace PowerDnsClient;

/// <summary>HTTP headers with value equality, so that <see cref="PowerDnsEndpoint"/>'s generated equality compares them by content.</summary>
internal sealed class HeaderMap(IReadOnlyDictionary<string, string> headers)
    : ReadOnlyDictionary<string, string>(headers.ToDictionary(StringComparer.OrdinalIgnoreCase))
{
    public static readonly HeaderMap None = new(new Dictionary<string, string>());

    public override bool Equals(object? obj) =>
        obj is HeaderMap other && other.Count == Count && this.All(h => other.TryGetValue(h.Key, out var value) && value == h.Value);

    public override int GetHashCode()
    {
        var hash = 0;
        foreach (var (name, value) in this)
        {
            hash ^= HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(name), value);   // order-independent
        }

        return hash;
    }
}
