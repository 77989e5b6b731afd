namespace TestSupport;

/// <summary>
/// PowerDNS 4.9.18 exactly as the bundled image runs it: pdns-image/rootfs.sh builds (or reuses) the Debian trixie root
/// file system with the image's install script, and the image's entrypoint runs inside it as user pdns.
/// </summary>
public sealed class TrixiePowerDnsServer : PowerDnsServer
{
    public const string RootFs = "/var/cache/pdns-webhook/trixie-rootfs";

    protected override string HostDirectory(string name) => Path.Combine(RootFs, "tmp", name);

    protected override string ServerDirectory(string name) => "/tmp/" + name;

    // The image runs as user pdns (install.sh's fixed id), so the test's directory must be pdns's.
    protected override async Task<ChildProcess> StartAsync(string entrypoint, string directory, Dictionary<string, string> environment)
    {
        var pdns = File.ReadLines(Path.Combine(RootFs, "etc/passwd")).Select(l => l.Split(':')).Single(f => f[0] == "pdns");
        var user = $"{pdns[2]}:{pdns[3]}";
        var chown = await ChildProcess.RunAsync("chown", ["-R", user, Path.Combine(RootFs, directory.TrimStart('/'))], TimeSpan.FromSeconds(30));
        chown.ExitCode.Should().Be(0, chown.ToString());

        return new("chroot", [$"--userspec={user}", RootFs, "/usr/bin/env", "-i", .. environment.Select(e => $"{e.Key}={e.Value}"), "/bin/bash", entrypoint]);
    }

    public override async ValueTask InitializeAsync()
    {
        var build = await ChildProcess.RunAsync("/bin/bash", [Path.Combine(Repository.PdnsImage, "rootfs.sh"), RootFs], TimeSpan.FromMinutes(10));
        build.ExitCode.Should().Be(0, "rootfs.sh must build the trixie root file system:\n{0}", build);

        await base.InitializeAsync();
    }
}
