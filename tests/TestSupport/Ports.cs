using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TestSupport;

/// <summary>
/// Free loopback ports for servers the tests start, so tests, test assemblies running side by side and a running demo
/// never collide. Two races make "bind port 0, close, hand it out" unsafe when assemblies run in parallel: the kernel
/// picks port 0 from its ephemeral range, where any process's next outgoing connection may take the port before the
/// server binds it (CI saw pdns_server fail with "Address already in use"); and another test process may be handed the
/// same port. So ports come from below the ephemeral range, where only an explicit bind takes one, and each is held by
/// a lock file for the life of the process that asked for it.
/// </summary>
public static class Ports
{
    private const int Lowest = 15000;

    private static readonly (int Low, int High) Range = FreeRange();

    private static readonly string LockDirectory =
        Directory.CreateDirectory(Path.Join(Path.GetTempPath(), "pdns-webhook-test-ports")).FullName;

    // Held until the process exits: the kernel drops the locks then, whatever way it ends.
    private static readonly List<FileStream> Reserved = [];

    /// <summary>A port free for both TCP and UDP (DNS listens on both), reserved for this process.</summary>
    public static int GetFree()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(Range.Low, Range.High + 1);
            if (TryReserve(port) is { } reservation)
            {
                if (IsFree(port))
                {
                    lock (Reserved)
                    {
                        Reserved.Add(reservation);
                    }

                    return port;
                }

                reservation.Dispose();
            }
        }

        throw new InvalidOperationException($"no free port in {Range.Low}-{Range.High} after 1000 tries");
    }

    /// <summary>The ports from <see cref="Lowest"/> up to the kernel's ephemeral range, or above it if that is too few.</summary>
    private static (int Low, int High) FreeRange()
    {
        var ephemeral = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
            .Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            .ToArray();
        return ephemeral[0] - Lowest >= 1000 ? (Lowest, ephemeral[0] - 1) : (ephemeral[1] + 1, 65535);
    }

    /// <summary>The file whose lock reserves <paramref name="port"/>.</summary>
    internal static string LockFile(int port) => Path.Join(LockDirectory, port.ToString(CultureInfo.InvariantCulture));

    // FileShare.None is an exclusive flock on Unix, refused to any other open of the file, in this process or another.
    private static FileStream? TryReserve(int port)
    {
        try
        {
            return new FileStream(LockFile(port), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsFree(int port)
    {
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        return TryBind(tcp, port) && TryBind(udp, port);
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
