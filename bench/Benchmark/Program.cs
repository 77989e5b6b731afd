using Benchmark;

// bench.sh runs this: dotnet Benchmark.dll --repo DIR --fd DIR [--image DIR] --json FILE [--samples N] [--rounds N] [--starts N]
var options = Options.Parse(args);
var work = Directory.CreateTempSubdirectory("pdns-webhook-bench-").FullName;
try
{
    var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
    using var pki = new Certificates();
    var secretsDir = Path.Combine(work, "secrets");
    var apiKey = Workloads.Key();
    Webhook.WriteSecret(secretsDir, apiKey);

    Console.Error.WriteLine("bench: starting PowerDNS 4.7.3 (host) and 4.9.18 (trixie root file system)");
    await using var pdns47 = await PowerDns.StartAsync(options.Repo, trixie: false, apiKey);
    await using var pdns49 = await PowerDns.StartAsync(options.Repo, trixie: true, apiKey);
    var builds = new List<Build>
    {
        new("framework-dependent", options.Fd, "dotnet", [Path.Combine(options.Fd, "pdns-webhook.dll")], "dotnet publish -c Release; runs on an installed ASP.NET Core runtime"),
    };
    if (options.Image is { } image)
    {
        builds.Add(new("image (NativeAOT)", image, Path.Combine(image, "pdns-webhook"), [], "the Dockerfile's publish (publish-check.sh)"));
    }

    List<OverheadResult> overhead = [];
    List<BurstResult> bursts = [];
    await using (var webhook = await Webhook.StartAsync(builds[^1], pki, secretsDir))
    {
        foreach (var (pdns, atomic) in new[] { (pdns49, true), (pdns47, false) })
        {
            Console.Error.WriteLine($"bench: overhead on PowerDNS {pdns.Version} ({options.Samples} interleaved pairs)");
            overhead.Add(await Workloads.OverheadAsync(webhook, pdns, atomic, options.Samples, warmup: 20));
        }

        foreach (var pdns in new[] { pdns47, pdns49 })
        {
            Console.Error.WriteLine($"bench: bursts on PowerDNS {pdns.Version} ({options.Rounds} rounds)");
            string[] contenders = [Workloads.Webhook, Workloads.Naive, Workloads.Batched];
            var results = contenders.ToDictionary(c => c, _ => new List<(double PresentMs, double CleanUpMs, int Errors, int Lost, int Leftover, string? FirstError)>());
            for (var round = 0; round < options.Rounds; round++)
            {
                for (var i = 0; i < contenders.Length; i++)
                {
                    var contender = contenders[(round + i) % contenders.Length];   // rotate who goes first
                    results[contender].Add(await Workloads.BurstAsync(contender, webhook, pdns, $"r{round}c{i}v{pdns.Version.Replace('.', '-')}"));
                }
            }

            bursts.AddRange(results.Select(r => new BurstResult(pdns.Version, r.Key, [.. r.Value.Select(v => v.PresentMs)], [.. r.Value.Select(v => v.CleanUpMs)],
                80 * options.Rounds, r.Value.Sum(v => v.Errors), r.Value.Sum(v => v.Lost), r.Value.Sum(v => v.Leftover),
                r.Value.Select(v => v.FirstError).FirstOrDefault(e => e is not null))));
        }
    }

    List<FootprintResult> footprints = [];
    foreach (var build in builds)
    {
        Console.Error.WriteLine($"bench: footprint of {build.Name} ({options.Starts} starts)");
        footprints.Add(await Footprint.MeasureAsync(build, pki, secretsDir, pdns49, options.Starts));
    }

    var report = new Report(load, Environment.ProcessorCount, options, overhead, bursts, footprints);
    Console.WriteLine(report.Table());
    await File.WriteAllTextAsync(options.Json, report.Json());
    Console.WriteLine($"JSON: {options.Json}");
    return 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}

internal sealed record Options(string Repo, string Fd, string? Image, string Json, int Samples, int Rounds, int Starts)
{
    public static Options Parse(string[] args)
    {
        var values = args.Chunk(2).Where(p => p.Length == 2 && p[0].StartsWith("--", StringComparison.Ordinal)).ToDictionary(p => p[0][2..], p => p[1]);
        string Required(string name) => values.TryGetValue(name, out var v) ? Path.GetFullPath(v) : throw new ArgumentException($"--{name} is required");
        int Count(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
        return new Options(Required("repo"), Required("fd"), values.TryGetValue("image", out var n) ? Path.GetFullPath(n) : null,
            Required("json"), Count("samples", 200), Count("rounds", 5), Count("starts", 5));
    }
}
