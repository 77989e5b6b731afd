namespace PdnsImage.Tests;

/// <summary>
/// Where the image's scripts run: the trixie root file system made by pdns-image/rootfs.sh (<see cref="TrixieImage"/>)
/// or this Debian 12 host (<see cref="DebianHost"/>). Paths given to it are as the server sees them.
/// </summary>
public abstract class ImageHost : IAsyncLifetime
{
    /// <summary>The server's "/" as the test sees it.</summary>
    public abstract string Root { get; }

    /// <summary>What the API's version must start with.</summary>
    public abstract string VersionPrefix { get; }

    /// <summary>The command prefix that enters the server's root as the server's user.</summary>
    protected abstract IEnumerable<string> Enter { get; }

    public string HostPath(string serverPath) => Path.Join(Root, serverPath);

    /// <summary>Runs a command with nothing but <paramref name="environment"/>, as a container's process starts.</summary>
    public ChildProcess Run(IReadOnlyDictionary<string, string> environment, params string[] command)
    {
        string[] argv = [.. Enter, "/usr/bin/env", "-i", .. environment.Select(e => $"{e.Key}={e.Value}"), .. command];
        return new ChildProcess(argv[0], argv[1..]);
    }

    /// <summary>Makes a directory (recursively) the server user's, as a volume mounted for it is.</summary>
    public virtual Task GiveToServerUserAsync(string serverPath) => Task.CompletedTask;

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
