using System.Reflection;

namespace Chart.Tests;

/// <summary>
/// The flags the webhook binary (pdns-webhook.dll, built from src/Webhook beside these tests) knows: read from its own flag
/// table, because the binary itself does not refuse an unknown <c>--flag</c> (Microsoft.Extensions.Configuration's
/// command-line provider turns it into an unused setting), so a misspelt flag would start and be silently ignored.
/// </summary>
public static class WebhookFlags
{
    public static IReadOnlySet<string> Known { get; } = Load();

    /// <summary>The <c>--flags</c> in <paramref name="args"/> the binary does not know.</summary>
    public static IEnumerable<string> Unknown(IEnumerable<string> args) =>
        args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).Select(a => a.Split('=', 2)[0]).Where(f => !Known.Contains(f));

    private static HashSet<string> Load()
    {
        var assembly = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "pdns-webhook.dll"));
        var table = assembly.GetType("Webhook.Flags", throwOnError: true)!.GetField("Switches", BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException("pdns-webhook.dll has no flag table Webhook.Flags.Switches: update WebhookFlags to where its flags are now");
        return [.. ((IReadOnlyDictionary<string, string>)table.GetValue(null)!).Keys];
    }
}
