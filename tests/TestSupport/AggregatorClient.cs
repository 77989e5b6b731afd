using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace TestSupport;

/// <summary>HTTP clients that reach a webhook the way kube-apiserver's aggregator does.</summary>
public static class AggregatorClient
{
    /// <summary>
    /// Connects to 127.0.0.1:<paramref name="port"/> while verifying the serving certificate for the Service name against
    /// <paramref name="servingCa"/>, presents <paramref name="certificate"/> and the identity headers. Each client has its
    /// own connections, so a new client sees the certificate served now.
    /// </summary>
    public static HttpClient Create(int port, TestCertificates servingCa, X509Certificate2? certificate, string? user = null,
        IEnumerable<string>? groups = null, Dictionary<string, string>? headers = null)
    {
        var handler = new SocketsHttpHandler
        {
            // As Go's HTTP/2 transport in the aggregator: past the server's stream limit per connection (Kestrel's and
            // the Go apiserver's: 100), another connection, rather than a queue in the client.
            EnableMultipleHttp2Connections = true,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions =
            {
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!,
                RemoteCertificateValidationCallback = (_, served, _, errors) =>
                    (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && served is X509Certificate2 leaf && servingCa.Issued(leaf),
            },
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri($"https://{Certificates.ServiceName}:{port}") };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add("X-Remote-User", user);
        }

        foreach (var group in groups ?? [])
        {
            client.DefaultRequestHeaders.Add("X-Remote-Group", group);
        }

        foreach (var (name, value) in headers ?? [])
        {
            client.DefaultRequestHeaders.Add(name, value);
        }

        return client;
    }
}
