namespace Chart.Tests;

/// <summary>Debian packages a test needs, installed when missing (tests run as root in CI, on a fresh machine too).</summary>
public static class DebianPackages
{
    private static readonly SemaphoreSlim Installing = new(1, 1);

    public static async Task EnsureAsync(params string[] packages)
    {
        await Installing.WaitAsync();
        try
        {
            var missing = new List<string>();
            foreach (var package in packages)
            {
                var (_, status, _) = await Processes.RunAsync("dpkg-query", ["-W", "-f=${Status}", package], TimeSpan.FromSeconds(30));
                if (!status.Contains("install ok installed", StringComparison.Ordinal))
                {
                    missing.Add(package);
                }
            }

            if (missing.Count == 0)
            {
                return;
            }

            Environment.UserName.Should().Be("root", $"installing the missing Debian packages {string.Join(" ", missing)} needs root");
            var (code, output, errors) = await Processes.RunAsync("/bin/sh",
                ["-c", $"apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends {string.Join(" ", missing)}"],
                TimeSpan.FromMinutes(10));
            code.Should().Be(0, $"apt-get installs {string.Join(" ", missing)}:\n{output}{errors}");
        }
        finally
        {
            Installing.Release();
        }
    }
}
