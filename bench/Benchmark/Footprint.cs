namespace Benchmark;

internal sealed record FootprintResult(Build Build, long Bytes, IReadOnlyList<double> ReadyMs, IReadOnlyList<double> IdleRssMb,
    IReadOnlyList<double> IdlePrivateMb, double BurstRssMb, double BurstPrivateMb, int BurstErrors);

internal static class Footprint
{
    /// <summary>
    /// Starts the build <see cref="Options.Starts"/> times: time from process start to /readyz 200, and memory after a few
    /// idle seconds; the last instance then takes one burst (its Presents, then its CleanUps) and is measured again.
    /// </summary>
    public static async Task<FootprintResult> MeasureAsync(Build build, Certificates pki, string secretsDir, PowerDns pdns, Options options)
    {
        List<double> ready = [], rss = [], privateMb = [];
        (double Rss, double Private) afterBurst = (double.NaN, double.NaN);
        var burstErrors = 0;
        for (var i = 0; i < options.Starts; i++)
        {
            await using var webhook = await Webhook.StartAsync(build, pki, secretsDir);
            ready.Add(webhook.ReadyAfter.TotalMilliseconds);
            await Task.Delay(options.Idle);   // idle: let start-up work and tiered compilation settle before reading memory
            var idle = Memory(webhook.Process.Id);
            rss.Add(idle.RssMb);
            privateMb.Add(idle.PrivateMb);
            if (i == options.Starts - 1)
            {
                var burst = await Workloads.BurstAsync(Workloads.Webhook, webhook, pdns, $"fp{Guid.NewGuid():N}"[..12], options.Burst);
                burstErrors = burst.Errors + burst.Lost + burst.Leftover;
                await Task.Delay(TimeSpan.FromSeconds(1));
                afterBurst = Memory(webhook.Process.Id);
            }
        }

        var bytes = new DirectoryInfo(build.Directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        return new FootprintResult(build, bytes, ready, rss, privateMb, afterBurst.Rss, afterBurst.Private, burstErrors);
    }

    /// <summary>Resident memory from /proc: VmRSS, and the private part (anonymous + shared-memory pages, not file-backed code).</summary>
    private static (double RssMb, double PrivateMb) Memory(int pid)
    {
        string[] wanted = ["VmRSS", "RssAnon", "RssShmem"];
        var fields = File.ReadLines($"/proc/{pid}/status").Select(l => l.Split(':', 2)).Where(f => f.Length == 2 && wanted.Contains(f[0]))
            .ToDictionary(f => f[0], f => double.Parse(f[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024);
        return (fields["VmRSS"], fields["RssAnon"] + fields["RssShmem"]);
    }
}
