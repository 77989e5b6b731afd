namespace TestSupport;

/// <summary>
/// PowerDNS exactly as the bundled image runs it: pdns-image/rootfs.sh builds (or reuses) a Debian root file system
/// with the image's install script, and the image's entrypoint runs inside it as user pdns.
/// </summary>
public abstract class RootFsPowerDnsServer(string suite, int instances = 1) : PowerDnsServer(instances)
{
    /// <summary>Where test.sh's caches keep the root file system of <paramref name="suite"/>.</summary>
    public static string RootOf(string suite) => $"/var/cache/pdns-webhook/{suite}-rootfs";

    private string Root => RootOf(suite);

    protected override string HostDirectory(string name) => Path.Combine(Root, "tmp", name);

    protected override string ServerDirectory(string name) => "/tmp/" + name;

    // The image runs as user pdns (install.sh's fixed id), so the test's directory must be pdns's.
    protected override async Task<ChildProcess> StartAsync(string entrypoint, string directory, Dictionary<string, string> environment)
    {
        var pdns = File.ReadLines(Path.Combine(Root, "etc/passwd")).Select(l => l.Split(':')).Single(f => f[0] == "pdns");
        var user = $"{pdns[2]}:{pdns[3]}";
        var chown = await ChildProcess.RunAsync("chown", ["-R", user, Path.Combine(Root, directory.TrimStart('/'))], TimeSpan.FromSeconds(30));
        chown.ExitCode.Should().Be(0, chown.ToString());

        return new("chroot", [$"--userspec={user}", Root, "/usr/bin/env", "-i", .. environment.Select(e => $"{e.Key}={e.Value}"), "/bin/bash", entrypoint]);
    }

    public override async ValueTask InitializeAsync()
    {
        var build = await ChildProcess.RunAsync("/bin/bash", [Path.Combine(Repository.PdnsImage, "rootfs.sh"), Root, suite], TimeSpan.FromMinutes(10));
        build.ExitCode.Should().Be(0, "rootfs.sh must build the {0} root file system:\n{1}", suite, build);

        await base.InitializeAsync();
    }
}
