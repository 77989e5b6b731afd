namespace Chart.Tests;

/// <summary>A temporary directory, deleted with everything in it on dispose.</summary>
public sealed class TempFiles : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("chart-tests-").FullName;

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
