using Benchmark;

// bench.sh runs this: dotnet Benchmark.dll --repo DIR --fd DIR [--image DIR] --json FILE [--samples N] [--rounds N] [--starts N] [--short]
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
    Console.Error.WriteLine("bench: starting 3 instances of PowerDNS 4.7.3 sharing one SQLite database");
    await using var shared = await PowerDns.StartAsync(options.Repo, trixie: false, apiKey, instances: 3);
    Console.Error.WriteLine("bench: starting PostgreSQL, 2 instances of PowerDNS 4.9.18 on one database of it, and a fake Kubernetes API for Leases");
    await using var replicas = await PostgreSqlReplicas.StartAsync(options.Repo, apiKey);
    var builds = new List<Build>
    {
        new("framework-dependent", options.Fd, "dotnet", [Path.Combine(options.Fd, "pdns-webhook.dll")], options.Short ? "--short: the Debug build in the checkout" : "dotnet publish -c Release; runs on an installed ASP.NET Core runtime"),
    };
    if (options.Image is { } image)
    {
        builds.Add(new("image (NativeAOT)", image, Path.Combine(image, "pdns-webhook"), [], "the Dockerfile's publish (publish-check.sh)"));
    }

    List<OverheadResult> overhead = [];
    List<BurstResult> bursts = [];
    List<PropagationResult> propagation = [];
    await using (var webhook = await Webhook.StartAsync(builds[^1], pki, secretsDir))
    {
        foreach (var (pdns, atomic) in new[] { (pdns49, true), (pdns47, false) })
        {
            Console.Error.WriteLine($"bench: overhead on PowerDNS {pdns.Version} ({options.Samples} interleaved triples)");
            overhead.Add(await Overhead.MeasureAsync(webhook, pdns, atomic, options.Samples, options.Warmup));
        }

        foreach (var (pdns, atomic) in new[] { (pdns47, false), (pdns49, true) })
        {
            Console.Error.WriteLine($"bench: bursts on PowerDNS {pdns.Version} ({options.Rounds} rounds)");
            bursts.AddRange(await Workloads.BurstsAsync(webhook, pdns, atomic, options));
        }

        foreach (var underBurst in new[] { false, true })
        {
            Console.Error.WriteLine($"bench: propagation to {shared.Addresses.Count} instances{(underBurst ? " under a burst" : "")}");
            propagation.Add(await Propagation.MeasureAsync(webhook, shared, options, underBurst));
        }
    }

    List<ScaleResult> scale = [];
    foreach (var backend in new ScaleBackend[]
    {
        new($"{pdns49.Version} SQLite", pdns49, () => Webhook.StartAsync(builds[^1], pki, secretsDir)),
        new($"{pdns47.Version} SQLite", pdns47, () => Webhook.StartAsync(builds[^1], pki, secretsDir)),
        new($"{replicas.Pdns.Version} PostgreSQL x2", replicas.Pdns, () => Webhook.StartAsync(builds[^1], pki, secretsDir, replicas.LeaseFlags), Webhooks: 2),
    })
    {
        Console.Error.WriteLine($"bench: scale curve on {backend.Name} ({string.Join("/", options.ScaleChallenges)} challenges over " +
            $"{string.Join("/", options.ScaleZones)} zones of {options.ScaleFill} TXT RRSets)");
        scale.AddRange(await Scale.MeasureAsync(backend, options));
    }

    List<FootprintResult> footprints = [];
    foreach (var build in builds)
    {
        Console.Error.WriteLine($"bench: footprint of {build.Name} ({options.Starts} starts)");
        footprints.Add(await Footprint.MeasureAsync(build, pki, secretsDir, pdns49, options));
    }

    var report = new Report(load, Environment.ProcessorCount, options, overhead, bursts, propagation, scale, footprints);
    Console.WriteLine(report.Table());
    await File.WriteAllTextAsync(options.Json, report.Json());
    Console.WriteLine($"JSON: {options.Json}");
    Console.WriteLine(await Plot.DrawAsync(scale, Path.ChangeExtension(options.Json, ".png")));
    // Slow figures are for the reader; a webhook that failed or lost a value makes the run (and CI's --short run) fail.
    foreach (var failure in report.Failures())
    {
        Console.Error.WriteLine($"bench: FAILED: {failure}");
    }

    return report.Failures().Any() ? 1 : 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}
