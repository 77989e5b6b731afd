namespace Publish.Tests;

/// <summary>
/// pdns-webhook as the Dockerfile publishes it: publish-check.sh replays the Dockerfile's build stage (its COPY lines and
/// its own restore and publish commands) into a temporary directory, once per test run.
/// </summary>
public sealed class PublishedWebhook : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "pdns-webhook-published-" + Guid.NewGuid().ToString("N"));

    public string Output { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        // At low priority: the other test assemblies run beside it on two cores, some with deadlines.
        await using var publish = new ChildProcess("nice", ["-n", "10", "/bin/bash", Path.Combine(Repository.Root, "publish-check.sh"), Directory]);
        var exit = await publish.WaitForExitAsync(TimeSpan.FromMinutes(15));
        Output = publish.Output;
        exit.Should().Be(0, "the Dockerfile's publish must succeed:\n{0}", Output);
    }

    public ValueTask DisposeAsync()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
