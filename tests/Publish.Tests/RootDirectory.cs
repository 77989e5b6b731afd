namespace Publish.Tests;

/// <summary>
/// A directory of the test's own under the trixie root file system's /tmp (the only place tests may write there), holding a
/// copy of the published output in <c>app/</c> and the files the webhook reads; removed again afterwards.
/// </summary>
internal sealed class RootDirectory : IAsyncDisposable
{
    private readonly string _name = "publish-test-" + Guid.NewGuid().ToString("N");

    private RootDirectory() => Directory.CreateDirectory(HostPath);

    private string HostPath => Path.Combine(TrixiePowerDnsServer.RootFs, "tmp", _name);

    public static async Task<RootDirectory> CreateAsync(string published)
    {
        var root = new RootDirectory();
        // Owned by root, as the image's /app is: the webhook's user can read and run it, not change it.
        await RunAsync("cp", ["-R", published, Path.Combine(root.HostPath, "app")]);
        return root;
    }

    /// <summary>The path of <paramref name="relative"/> as the webhook sees it inside the root file system.</summary>
    public string InRoot(string relative) => $"/tmp/{_name}/{relative}";

    public void WriteFile(string relative, string content) => File.WriteAllText(Path.Combine(HostPath, relative), content);

    /// <summary>The directory becomes writable by <paramref name="user"/> (its TMPDIR); the files written so far become its own, readable by it alone (a mounted Secret's mode).</summary>
    public async Task GiveToAsync(string user)
    {
        await RunAsync("chown", [user, HostPath]);
        foreach (var file in Directory.EnumerateFiles(HostPath))
        {
            await RunAsync("chown", [user, file]);
            await RunAsync("chmod", ["0400", file]);
        }
    }

    public async ValueTask DisposeAsync() => await RunAsync("rm", ["-rf", "--one-file-system", HostPath]);

    private static async Task RunAsync(string command, string[] arguments)
    {
        var result = await ChildProcess.RunAsync(command, arguments, TimeSpan.FromMinutes(1));
        result.ExitCode.Should().Be(0, "{0} must succeed: {1}", command, result);
    }
}
