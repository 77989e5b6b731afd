using System.Diagnostics;
using System.Net;

namespace TestSupport;

/// <summary>
/// One pdns-webhook process on a free loopback port, started as <see cref="WebhookProcessOptions"/> say and reached as
/// kube-apiserver's aggregator reaches it (<see cref="AggregatorClient"/>). Started means ready: /readyz answered 200
/// under a deadline, else the failure carries the process's output (at once when it exits). Stopped by its own handle.
/// </summary>
public sealed class WebhookProcess : IAsyncDisposable
{
    private WebhookProcess(ChildProcess process, HttpClient aggregator, int port) => (Process, Aggregator, Port) = (process, aggregator, port);

    public int Port { get; }

    /// <summary>The aggregator forwarding for <see cref="WebhookProcessOptions.User"/>, presenting the front-proxy client certificate.</summary>
    public HttpClient Aggregator { get; }

    public ChildProcess Process { get; }

    /// <summary>From the process's start to its first 200 from /readyz.</summary>
    public TimeSpan ReadyAfter { get; private set; }

    public static async Task<WebhookProcess> StartAsync(WebhookProcessOptions options)
    {
        var port = Ports.GetFree();
        var started = Stopwatch.GetTimestamp();
        var commandLine = options.CommandLine(port).ToArray();
        var process = new ChildProcess(commandLine[0], commandLine[1..], options.Environment);
        var aggregator = AggregatorClient.Create(port, options.Pki.ServingCa, options.Pki.FrontProxyClient, options.User, options.Groups);
        if (options.Http2)
        {
            aggregator.DefaultRequestVersion = HttpVersion.Version20;
            aggregator.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        var webhook = new WebhookProcess(process, aggregator, port);
        try
        {
            await webhook.WaitUntilReadyAsync(started, options);
            return webhook;
        }
        catch
        {
            await webhook.DisposeAsync();   // a webhook that never got ready must not outlive the test
            throw;
        }
    }

    public override string ToString() => Process.ToString();

    public async ValueTask DisposeAsync()
    {
        Aggregator.Dispose();
        await Process.DisposeAsync();
    }

    private async Task WaitUntilReadyAsync(long started, WebhookProcessOptions options)
    {
        await Eventually.ReturnsAsync(async () =>
        {
            if (Process.HasExited)
            {
                return true;   // no use waiting: fail below with what it printed
            }

            using var response = await Aggregator.GetAsync(new Uri("/readyz", UriKind.Relative));
            ReadyAfter = Stopwatch.GetElapsedTime(started);
            return response.IsSuccessStatusCode;
        }, done => done, options.ReadyWithin, ToString, options.PollEvery);
        if (Process.HasExited)
        {
            throw new InvalidOperationException($"pdns-webhook exited before it was ready: {this}");
        }
    }
}
