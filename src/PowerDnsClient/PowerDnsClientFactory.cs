using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Polly;
using Polly.Registry;
using Refit;

namespace PowerDnsClient;

/// <summary>
/// Builds an <see cref="IPowerDnsApi"/> per endpoint. The endpoint comes from each Issuer, so clients are cheap and
/// built per call, over one pooled transport per distinct CA bundle and pinned address: a tenant's CA is never trusted
/// for another tenant's connections. Redirects are never followed: the key header would go with them.
/// </summary>
public sealed class PowerDnsClientFactory(ResiliencePipelineProvider<string> pipelines)
{
    internal const string PipelineName = "PowerDns";
    // Every failure surfaces as PowerDnsException: HTTP errors are built here, transport errors in PowerDnsHandler,
    // and Refit is told to pass them through rather than wrap them.
    private static readonly RefitSettings Settings = new(new SystemTextJsonContentSerializer(PowerDnsJsonContext.Default.Options))
    {
        ExceptionFactory = async response => response.IsSuccessStatusCode ? null : await PowerDnsException.FromResponseAsync(response, CancellationToken.None),
        TransportExceptionFactory = (_, exception, _) => exception,
    };
    // Bundles and addresses come from Issuers, so their number is the tenants' choice. A transport dropped here is not
    // disposed: calls in flight may still use it, and its idle connections close by themselves.
    private readonly BoundedCache<(string CaBundle, IPAddress? Address), HttpMessageHandler> _transports = new(64, TimeSpan.FromMinutes(10));
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline = pipelines.GetPipeline<HttpResponseMessage>(PipelineName);

    /// <summary>A client for <paramref name="endpoint"/>; every failure surfaces as <see cref="PowerDnsException"/>.</summary>
    public IPowerDnsApi Create(PowerDnsEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var handler = new PowerDnsHandler(endpoint, _pipeline) { InnerHandler = _transports.GetOrAdd((endpoint.CaBundle ?? "", endpoint.Address), CreateTransport) };
        var http = new HttpClient(handler, disposeHandler: false)
        {
            BaseAddress = new Uri(endpoint.BaseAddress.ToString().TrimEnd('/')),
            Timeout = Timeout.InfiniteTimeSpan,   // each attempt has its own limit; the caller's token bounds the whole call
        };
        return RestService.ForGenerated<IPowerDnsApi>(http, Settings);
    }

    private static SocketsHttpHandler CreateTransport((string CaBundle, IPAddress? Address) key)
    {
        var (caBundle, address) = key;
        var transport = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AllowAutoRedirect = false };
        if (address is not null)
        {
            // Only the TCP connection goes elsewhere; the request, its Host header and TLS (SNI, name check) keep the URL's host.
            transport.ConnectCallback = (context, cancellationToken) => ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
        }

        if (caBundle.Length > 0)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(caBundle);
            transport.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                errors == SslPolicyErrors.None
                || (errors == SslPolicyErrors.RemoteCertificateChainErrors && certificate is X509Certificate2 leaf && ChainsTo(leaf, chain, roots));
        }

        return transport;
    }

    private static async ValueTask<Stream> ConnectAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connected = false;
        try
        {
            await socket.ConnectAsync(target, cancellationToken);
            connected = true;
            return new NetworkStream(socket, ownsSocket: true);
        }
        finally
        {
            if (!connected)
            {
                socket.Dispose();
            }
        }
    }

    // The system store said no; the bundle is *added* to it, so try again with the bundle as the only roots.
    // Host name mismatches never reach this point (they are a different SslPolicyErrors flag).
    private static bool ChainsTo(X509Certificate2 leaf, X509Chain? presented, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;   // only what was presented and the bundle: no fetch the server chooses
        if (presented is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainElements.Select(e => e.Certificate).ToArray());
        }

        return chain.Build(leaf);
    }
}
