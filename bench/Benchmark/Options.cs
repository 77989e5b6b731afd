using System.Globalization;

namespace Benchmark;

/// <summary>
/// The command line. --short runs every section with tiny sizes in seconds, so CI (test.sh) proves the benchmark still
/// runs and its correctness counts stay 0; its figures mean nothing.
/// </summary>
internal sealed record Options(string Repo, string Fd, string? Image, string Json, int Samples, int Rounds, int Starts, bool Short,
    IReadOnlyList<int> ScaleChallenges, IReadOnlyList<int> ScaleZones, int NaiveSeconds)
{
    /// <summary>TXT RRSets each zone of the scale curve already holds before its burst.</summary>
    public int ScaleFill => Short ? 10 : 1000;

    /// <summary>How long the naive solver may take for one cell of the scale curve before it counts as not finishing.</summary>
    public TimeSpan NaiveBudget => TimeSpan.FromSeconds(NaiveSeconds);

    /// <summary>Pairs run before those counted, so connections and the JIT are warm.</summary>
    public int Warmup => Short ? 2 : 20;

    /// <summary>The burst: challenges for distinct names, plus challenges sharing one name (apex and wildcard).</summary>
    public (int Names, int Shared) Burst => Short ? (6, 2) : (60, 20);

    public int BurstChallenges => Burst.Names + Burst.Shared;

    /// <summary>How long a started build idles before its memory is read: start-up work and tiered compilation settle.</summary>
    public TimeSpan Idle => TimeSpan.FromSeconds(Short ? 1 : 3);

    public static Options Parse(string[] args)
    {
        var isShort = args.Contains("--short");
        var values = args.Where(a => a != "--short").Chunk(2).Where(p => p.Length == 2 && p[0].StartsWith("--", StringComparison.Ordinal))
            .ToDictionary(p => p[0][2..], p => p[1]);
        string Required(string name) => values.TryGetValue(name, out var v) ? Path.GetFullPath(v) : throw new ArgumentException($"--{name} is required");
        int Count(string name, int fallback, int shortFallback) =>
            values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : isShort ? shortFallback : fallback;
        int[] List(string name, int[] fallback, int[] shortFallback) => values.TryGetValue(name, out var v)
            ? [.. v.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture))] : isShort ? shortFallback : fallback;
        return new Options(Required("repo"), Required("fd"), values.TryGetValue("image", out var n) ? Path.GetFullPath(n) : null,
            Required("json"), Count("samples", 200, 3), Count("rounds", 5, 1), Count("starts", 5, 1), isShort,
            List("scale-challenges", [100, 1_000, 5_000], [2, 4]), List("scale-zones", [1, 10, 100], [1]), Count("naive-budget", 60, 20));
    }
}
