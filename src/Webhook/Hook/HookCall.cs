using Webhook.CertManager;

namespace Webhook.Hook;

/// <summary>One TXT value an ACME client asks to put up or take down: <see cref="Domain"/> is the authorization's domain (no <c>*.</c>).</summary>
internal sealed record HookCall(ChallengeAction Action, string Domain, string Value)
{
    public string Fqdn => $"_acme-challenge.{Domain}.";

    /// <summary>
    /// The calls in a command line, for the ACME clients people use, or null when the arguments are not a hook's:
    /// lego's exec provider (<c>present|cleanup FQDN VALUE</c>), dehydrated (<c>deploy_challenge|clean_challenge</c>
    /// with one or, chained, several <c>DOMAIN TOKEN-FILE VALUE</c> triples; every other event of its is a no-op), and certbot's
    /// manual hooks (<c>certbot-auth|certbot-cleanup</c> with CERTBOT_DOMAIN and CERTBOT_VALIDATION).
    /// </summary>
    public static IReadOnlyList<HookCall>? Parse(IReadOnlyList<string> args, Func<string, string?> environment) => (args.Count > 0 ? args[0] : null) switch
    {
        "present" or "cleanup" when args.Count >= 3 =>
            [new(args[0] == "present" ? ChallengeAction.Present : ChallengeAction.CleanUp, DomainOf(args[1]), args[2])],
        "deploy_challenge" or "clean_challenge" => [.. args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Chunk(3).Where(t => t.Length == 3)
            .Select(t => new HookCall(args[0] == "deploy_challenge" ? ChallengeAction.Present : ChallengeAction.CleanUp, DomainOf(t[0]), t[2]))],
        "certbot-auth" or "certbot-cleanup" => [new(args[0] == "certbot-auth" ? ChallengeAction.Present : ChallengeAction.CleanUp,
            DomainOf(environment("CERTBOT_DOMAIN") ?? ""), environment("CERTBOT_VALIDATION") ?? "")],
        // dehydrated's other events (startup_hook, deploy_cert, ...) need nothing, and its rule is that a hook exits 0 on events it
        // does not know: it probes that with a made-up one before every run.
        { } name when name.Contains('_', StringComparison.Ordinal) && !name.StartsWith('-') => [],
        _ => null,
    };

    // lego passes "_acme-challenge.example.com."; dehydrated and certbot pass "example.com" (a wildcard's base domain).
    private static string DomainOf(string name) => name.Trim().TrimEnd('.') is var trimmed && trimmed.StartsWith("_acme-challenge.", StringComparison.OrdinalIgnoreCase)
        ? trimmed["_acme-challenge.".Length..]
        : trimmed.TrimStart('*', '.');
}
