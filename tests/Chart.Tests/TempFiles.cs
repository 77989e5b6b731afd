namespace Chart.Tests;

/// <summary>A temporary directory, deleted with everything in it on dispose.</summary>
public sealed class TempFiles : IDisposable
{
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Private, in the system's temporary directory; or in <paramref name="parent"/>, readable by every user.</summary>
    public TempFiles(string? parent = null) => Root = parent is null ? Directory.CreateTempSubdirectory("chart-tests-").FullName
        : Directory.CreateDirectory(Path.Combine(parent, "chart-tests-" + Guid.NewGuid().ToString("N")), Readable).FullName;

    public string Root { get; }

    /// <summary>Writes <paramref name="relativePath"/> (creating its directories) and returns its full path.</summary>
    public string Write(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string NewDirectory(string relativePath) => System.IO.Directory.CreateDirectory(Path.Combine(Root, relativePath)).FullName;

    public void Dispose() => System.IO.Directory.Delete(Root, recursive: true);
}
