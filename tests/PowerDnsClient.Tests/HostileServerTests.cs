using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PowerDnsClient.Tests;

/// <summary>
/// A host named in an Issuer may be anyone's: it cannot send the key elsewhere with a redirect, nor make the client
/// read an endless answer.
/// </summary>
public sealed class HostileServerTests : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddPowerDnsClient().BuildServiceProvider();
    private readonly List<WebApplication> _servers = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        await _services.DisposeAsync();
    }

    [Fact]
    public async Task ARedirectIsAFailureNamingTheLocationAndTheKeyStaysHome()
    {
        var stolen = new List<string>();
        var thief = await StartAsync(context =>
        {
            lock (stolen)
            {
                stolen.Add(context.Request.Headers["X-API-Key"].ToString());
            }

            return Task.CompletedTask;
        });
        var redirector = await StartAsync(context =>
        {
            context.Response.Redirect($"{thief}/api/v1/servers/localhost", permanent: false, preserveMethod: true);
            return Task.CompletedTask;
        });

        var call = () => Api(redirector).GetServerAsync("localhost");

        var failure = (await call.Should().ThrowAsync<PowerDnsException>()).Which;
        failure.Message.Should().Contain("307").And.Contain($"{thief}/api/v1/servers/localhost");
        stolen.Should().BeEmpty();
    }

    [Fact]
    public async Task AnEndlessJsonAnswerIsCutOffWithAFailure()
    {
        var server = await StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("[");
            var padding = new string(' ', 64 * 1024);
            for (var i = 0; i < 1024 && !context.RequestAborted.IsCancellationRequested; i++)   // 64 MiB of whitespace
            {
                await context.Response.WriteAsync(padding, context.RequestAborted);
            }

            await context.Response.WriteAsync("]");
        });

        var call = () => Api(server).ListZonesAsync("localhost");

        (await call.Should().ThrowAsync<PowerDnsException>()).Which.Message.Should().Contain("larger than");
    }

    [Fact]
    public async Task AHugeErrorBodyIsNotReadToItsEnd()
    {
        var completed = 0;
        var server = await StartAsync(async context =>
        {
            context.Response.StatusCode = 404;
            context.Response.ContentLength = 64L * 1024 * 1024;
            var padding = new string('e', 64 * 1024);
            for (var i = 0; i < 1024; i++)
            {
                await context.Response.WriteAsync(padding, context.RequestAborted);
            }

            // Kestrel drops writes silently once the client has gone, so the loop can end either way: only a client
            // still connected at the end has read it all.
            if (!context.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref completed);
            }
        });

        var call = () => Api(server).GetServerAsync("localhost");

        var failure = (await call.Should().ThrowAsync<PowerDnsException>()).Which;
        failure.Message.Should().Contain("404");
        failure.Message.Length.Should().BeLessThan(1_000);
        completed.Should().Be(0, "the client stopped reading long before the end");
    }

    private IPowerDnsApi Api(string url) =>
        _services.GetRequiredService<PowerDnsClientFactory>().Create(new PowerDnsEndpoint(new Uri(url), "localhost", "secret-key"));

    private async Task<string> StartAsync(RequestDelegate answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(answer);
        await app.StartAsync();
        _servers.Add(app);
        return app.Urls.Single();
    }
}
