using System.Net;
using System.Net.Sockets;

namespace Benchmark;

/// <summary>
/// A Kubernetes Service in front of several PowerDNS instances' APIs, as the chart's ClusterIssuer names one: a TCP
/// listener on its own loopback address and the instances' API port that hands each connection to the next instance in
/// turn, as kube-proxy spreads connections over the pods. One <c>host</c> URL for every webhook, so they take the same
/// Lease (README, Scaling out), and their writes still reach every instance. Same port: the webhook reaches the
/// instances the Issuer's <c>instances</c> names at the host's port.
/// </summary>
internal sealed class ApiService : IDisposable
{
    private readonly TcpListener _listener;
    private readonly IReadOnlyList<IPEndPoint> _instances;
    private readonly CancellationTokenSource _stop = new();
    private int _next = -1;

    public ApiService(IPAddress address, int port, IReadOnlyList<IPEndPoint> instances)
    {
        (_listener, _instances) = (new TcpListener(address, port), instances);
        _listener.Start(backlog: 4096);   // a naive burst opens thousands of connections at once
        _ = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;   // stopped
            }

            _ = ForwardAsync(client, _instances[(int)((uint)Interlocked.Increment(ref _next) % _instances.Count)]);
        }
    }

    // Both directions until each ends; an end is passed on as a half-close, so PowerDNS's answer-then-close arrives whole.
    private async Task ForwardAsync(Socket client, IPEndPoint instance)
    {
        using (client)
        using (var server = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            // As kube-proxy's kernel forwarding adds no delay: without NoDelay, Nagle holds the request's body until
            // PowerDNS acknowledges its headers, which its delayed ACK puts off by 40 ms.
            (client.NoDelay, server.NoDelay) = (true, true);
            try
            {
                await server.ConnectAsync(instance, _stop.Token);
                await Task.WhenAll(PipeAsync(client, server), PipeAsync(server, client));
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
            {
                // A reset or the end of the benchmark: the client sees the connection close, as through kube-proxy.
            }
        }
    }

    private async Task PipeAsync(Socket from, Socket to)
    {
        var buffer = new byte[16384];
        int read;
        while ((read = await from.ReceiveAsync(buffer, _stop.Token)) > 0)
        {
            await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
        }

        to.Shutdown(SocketShutdown.Send);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
