using System.Net;
using System.Net.Sockets;

namespace TestSupport;

/// <summary>Free loopback ports, asked of the OS, so tests and a running demo never collide.</summary>
public static class Ports
{
    /// <summary>A port free for both TCP and UDP (DNS listens on both).</summary>
    public static int GetFree()
    {
        while (true)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            if (TryBind(udp, port))
            {
                return port;
            }
        }
    }

    private static bool TryBind(Socket socket, int port)
    {
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
