using System.Net;
using System.Net.Sockets;

namespace Benchmark;

internal static class Ports
{
    /// <summary>A loopback port free for TCP and UDP (PowerDNS answers DNS on both), asked of the OS.</summary>
    public static int Free()
    {
        while (true)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // taken for UDP: ask again
            }
        }
    }
}
