using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Conformance.Tests;

/// <summary>An HTTP client that reaches the webhook the way kube-apiserver's aggregator does (from Webhook.Tests).</summary>
internal static class AggregatorClient
{
    /// <summary>
    /// Connects to 127.0.0.1:<paramref name="port"/> while verifying the serving certificate for the Service name against
    /// <paramref name="servingCa"/>, presents the front-proxy client <paramref name="certificate"/> and the caller's identity
    /// in X-Remote-User.
    /// </summary>
    public static HttpClient Create(int port, TestCertificates servingCa, X509Certificate2 certificate, string user)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions =
            {
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
                RemoteCertificateValidationCallback = (_, served, _, errors) =>
                    (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && served is X509Certificate2 leaf && servingCa.Issued(leaf),
            },
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri($"https://{Certificates.ServiceName}:{port}") };
        client.DefaultRequestHeaders.Add("X-Remote-User", user);
        return client;
    }
}
