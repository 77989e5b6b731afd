namespace TestSupport;

/// <summary>Paths in the checkout the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot(AppContext.BaseDirectory);

    public static string PdnsImage => Path.Combine(Root, "pdns-image");

    private static string FindRoot(string from) =>
        File.Exists(Path.Combine(from, "PowerDnsWebhook.slnx")) ? from
        : Directory.GetParent(from) is { } parent ? FindRoot(parent.FullName)
        : throw new InvalidOperationException("PowerDnsWebhook.slnx not found above " + AppContext.BaseDirectory);
}
