namespace PdnsImage.Tests;

/// <summary>
/// The bundled image's PowerDNS 4.9: pdns-image/rootfs.sh makes the trixie root file system (from its cached tarball,
/// or with debootstrap and install.sh when that is missing), and commands run in it through chroot as the image's user
/// pdns, as the container would run them.
/// </summary>
public sealed class TrixieImage : ImageHost
{
    private string _user = "";

    public override string Root => TrixiePowerDnsServer.RootFs;

    public override string VersionPrefix => "4.9.";

    protected override IEnumerable<string> Enter => ["chroot", $"--userspec={_user}", Root];

    public override async ValueTask InitializeAsync()
    {
        await using (var build = new ChildProcess("/bin/bash", [Path.Combine(Repository.PdnsImage, "rootfs.sh"), Root]))
        {
            var exit = await build.WaitForExitAsync(TimeSpan.FromMinutes(10));
            exit.Should().Be(0, "rootfs.sh must build the trixie root file system:\n{0}", build.Output);
        }

        var pdns = File.ReadLines(HostPath("/etc/passwd")).Select(l => l.Split(':')).Single(f => f[0] == "pdns");
        _user = $"{pdns[2]}:{pdns[3]}";
    }

    public override async Task GiveToServerUserAsync(string serverPath)
    {
        await using var chown = new ChildProcess("chown", ["-R", _user, HostPath(serverPath)]);
        (await chown.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, chown.Output);
    }
}
