namespace E2E.Tests;

/// <summary>The hook wrapper's record: <c>call EVENT ARGS [CERTBOT_VALIDATION]</c>, and <c>after-present</c> / <c>before-cleanup</c> lines with the TXT values DNS served then.</summary>
public sealed record HookEvents(IReadOnlyList<string> Lines)
{
    /// <summary>The values the client asked to put up, in order.</summary>
    public IReadOnlyList<string> Presented => Values("present", "deploy_challenge", "certbot-auth");

    /// <summary>The values the client asked to take down, in order.</summary>
    public IReadOnlyList<string> CleanedUp => Values("cleanup", "clean_challenge", "certbot-cleanup");

    /// <summary>What DNS served at each CleanUp, before it ran: while the CA had validated or was validating.</summary>
    public IReadOnlyList<IReadOnlySet<string>> ServedBeforeCleanUp => Served("before-cleanup");

    public override string ToString() => string.Join('\n', Lines);

    private List<IReadOnlySet<string>> Served(string label) => [.. Lines.Select(Words).Where(w => w[0] == label)
        .Select(w => (IReadOnlySet<string>)w.Skip(1).ToHashSet())];

    // lego: EVENT FQDN VALUE; dehydrated (chained): EVENT then DOMAIN TOKEN VALUE triples; certbot: EVENT VALUE (from its environment).
    private List<string> Values(string lego, string dehydrated, string certbot) => [.. Lines.Select(Words).Where(w => w[0] == "call").SelectMany(w =>
        w[1] == lego ? [w[3]]
        : w[1] == dehydrated ? w.Skip(2).Chunk(3).Select(triple => triple[2])
        : w[1] == certbot ? [w[2]]
        : [])];

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
