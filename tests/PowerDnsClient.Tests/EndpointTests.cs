using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;

namespace PowerDnsClient.Tests;

/// <summary>
/// How a client reaches PowerDNS from an Issuer config: through a TLS proxy with a private CA (added to, not replacing,
/// the system trust), a path prefix, a Bearer scheme and extra headers; with retries for what retrying can fix.
/// </summary>
public sealed class EndpointTests(DebianPowerDnsServer pdns) : IAsyncLifetime
{
    private readonly ServiceProvider _services = new ServiceCollection().AddPowerDnsClient().BuildServiceProvider();
    private readonly TestCertificates _certificates = new();
    private X509Certificate2 _proxyCertificate = null!;
    private ApiProxy _proxy = null!;

    public async ValueTask InitializeAsync()
    {
        _proxyCertificate = _certificates.Server();
        _proxy = await ApiProxy.StartGatewayAsync(pdns, _proxyCertificate);
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _services.DisposeAsync();
        _proxyCertificate.Dispose();
        _certificates.Dispose();
    }

    private IPowerDnsApi Api(string? caBundle, IReadOnlyDictionary<string, string>? headers = null) =>
        _services.GetRequiredService<PowerDnsClientFactory>().Create(new PowerDnsEndpoint(_proxy.Url, "localhost", ApiProxy.Token)
        {
            ApiKeyHeaderName = "Authorization",
            ApiKeyScheme = "Bearer",
            Headers = headers ?? new Dictionary<string, string> { [ApiProxy.TenantHeader] = ApiProxy.Tenant },
            CaBundle = caBundle,
        });

    [Fact]
    public async Task APrivateCaBundleReachesPowerDnsBehindAPrefixedBearerProxy()
    {
        var server = await Api(_certificates.CaPem).GetServerAsync("localhost");

        server.Version.Should().Be(pdns.Version);
    }

    [Fact]
    public async Task WithoutTheBundleTheServerIsNotTrusted()
    {
        var call = () => Api(caBundle: null).GetServerAsync("localhost");

        (await call.Should().ThrowAsync<PowerDnsException>()).Which.Message.Should().Contain(_proxy.Url.ToString())
            .And.Contain("SSL").And.Contain("errors in the certificate chain", "the reason is in the message, not only in an inner exception");
    }

    [Fact]
    public async Task AnotherCaInTheBundleDoesNotMakeTheServerTrusted()
    {
        using var other = new TestCertificates("other-ca");

        var call = () => Api(other.CaPem).GetServerAsync("localhost");

        await call.Should().ThrowAsync<PowerDnsException>();
    }

    [Fact]
    public async Task MissingExtraHeadersAreTheProxysBusinessAndReported()
    {
        var call = () => Api(_certificates.CaPem, headers: new Dictionary<string, string>()).GetServerAsync("localhost");

        (await call.Should().ThrowAsync<PowerDnsException>()).Which.Error.Should().Be("proxy: missing X-Tenant: qa");
    }

    [Fact]
    public async Task DatabaseIsLockedIsRetriedUntilItSucceeds()
    {
        _proxy.FailNext(2, 500, """{"error": "database is locked"}""");

        var server = await Api(_certificates.CaPem).GetServerAsync("localhost");

        server.Version.Should().Be(pdns.Version);
        _proxy.Requests.Should().Be(3);
    }

    [Fact]
    public async Task ABadRequestIsNotRetried()
    {
        _proxy.FailNext(1, 422, """{"error": "RRset a.example.test. IN TXT: Name is out of zone"}""");

        var call = () => Api(_certificates.CaPem).GetServerAsync("localhost");

        (await call.Should().ThrowAsync<PowerDnsException>()).Which.Error.Should().Be("RRset a.example.test. IN TXT: Name is out of zone");
        _proxy.Requests.Should().Be(1);
    }

    [Fact]
    public async Task AnUnreachableServerIsReportedWithItsUrl()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)closed.LocalEndpoint).Port}");
        closed.Stop();
        var api = _services.GetRequiredService<PowerDnsClientFactory>().Create(new PowerDnsEndpoint(url, "localhost", "k"));

        var call = () => api.GetServerAsync("localhost");

        var error = (await call.Should().ThrowAsync<PowerDnsException>()).Which;
        error.StatusCode.Should().BeNull();
        error.Message.Should().Contain($"GET {url}api/v1/servers/localhost").And.Contain("Connection refused");
    }

    [Fact]
    public async Task APinnedAddressIsWhereTheConnectionGoes()
    {
        var url = new UriBuilder(_proxy.Url) { Host = "localhost" }.Uri;   // localhost resolves to 127.0.0.1, where the proxy is
        var factory = _services.GetRequiredService<PowerDnsClientFactory>();

        var call = () => factory.Create(Endpoint(url) with { Address = IPAddress.Parse("127.0.0.2") }).GetServerAsync("localhost");

        (await call.Should().ThrowAsync<PowerDnsException>()).Which.Message.Should().Contain("at 127.0.0.2 failed: Connection refused");
        (await factory.Create(Endpoint(url) with { Address = IPAddress.Loopback }).GetServerAsync("localhost")).Version.Should().Be(pdns.Version);
    }

    [Fact]
    public async Task APinnedAddressStillVerifiesTheUrlsHostName()
    {
        // A name that never resolves: the call reaches the proxy only through the pin, and its certificate is not for that name.
        var url = new UriBuilder(_proxy.Url) { Host = "pdns.invalid" }.Uri;

        var call = () => _services.GetRequiredService<PowerDnsClientFactory>().Create(Endpoint(url) with { Address = IPAddress.Loopback }).GetServerAsync("localhost");

        (await call.Should().ThrowAsync<PowerDnsException>()).Which.Message.Should().Contain("SSL").And.NotContain("Name or service not known");
    }

    private PowerDnsEndpoint Endpoint(Uri url) => new(url, "localhost", ApiProxy.Token)
    {
        ApiKeyHeaderName = "Authorization",
        ApiKeyScheme = "Bearer",
        Headers = new Dictionary<string, string> { ["X-Tenant"] = "qa" },
        CaBundle = _certificates.CaPem,
    };
}
