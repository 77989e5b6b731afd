using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Webhook.Freshness;

/// <summary>
/// One TXT question to one authoritative server, over UDP as ACME validators ask it, again over TCP when the answer is
/// truncated. Without EDNS: resolvers differ in their EDNS options, and PowerDNS caches each shape of a query apart, so
/// no one shape would stand for theirs (PowerDnsInstances flushes in a way that leaves none of them stale). Written out
/// (about 80 lines of RFC 1035) rather than taken from a DNS library, so that the NativeAOT build needs nothing trimming
/// could break, and so the two transports and the timeouts are exactly these.
/// </summary>
internal static class TxtQuery
{
    private const ushort Txt = 16;
    private const ushort InternetClass = 1;

    public static async Task<ServedTxt> AskAsync(IPEndPoint server, string name, CancellationToken cancellationToken)
    {
        var id = (ushort)Random.Shared.Next(ushort.MaxValue + 1);
        var query = Question(id, name);
        var answer = await OverUdpAsync(server, query, id, cancellationToken);
        if ((answer[2] & 0x02) != 0)   // TC: the whole set did not fit into 512 bytes
        {
            answer = await OverTcpAsync(server, query, cancellationToken);
        }

        return Read(answer);
    }

    private static byte[] Question(ushort id, string name)
    {
        var labels = name.TrimEnd('.').Split('.').Select(Encoding.ASCII.GetBytes).ToList();
        var query = new byte[12 + labels.Sum(l => l.Length + 1) + 1 + 4];
        BinaryPrimitives.WriteUInt16BigEndian(query, id);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(4), 1);   // one question; flags 0: a plain, non-recursive query
        var at = 12;
        foreach (var label in labels)
        {
            query[at++] = (byte)label.Length;
            label.CopyTo(query, at);
            at += label.Length;
        }

        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(at + 1), Txt);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(at + 3), InternetClass);
        return query;
    }

    private static async Task<byte[]> OverUdpAsync(IPEndPoint server, byte[] query, ushort id, CancellationToken cancellationToken)
    {
        using var udp = new UdpClient(server.AddressFamily);
        udp.Connect(server);
        await udp.SendAsync(query, cancellationToken);
        while (true)
        {
            var received = (await udp.ReceiveAsync(cancellationToken)).Buffer;
            if (received.Length >= 12 && BinaryPrimitives.ReadUInt16BigEndian(received) == id)
            {
                return received;
            }
        }
    }

    private static async Task<byte[]> OverTcpAsync(IPEndPoint server, byte[] query, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient(server.AddressFamily);
        await tcp.ConnectAsync(server, cancellationToken);
        var stream = tcp.GetStream();
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)query.Length);
        await stream.WriteAsync(length.Concat(query).ToArray(), cancellationToken);
        await stream.ReadExactlyAsync(length, cancellationToken);
        var answer = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
        await stream.ReadExactlyAsync(answer, cancellationToken);
        return answer;
    }

    // Every TXT record of the answer section, each record's strings joined (how validators compare them).
    private static ServedTxt Read(ReadOnlySpan<byte> answer)
    {
        var at = SkipName(answer, 12) + 4;
        var values = new List<string>();
        for (var count = BinaryPrimitives.ReadUInt16BigEndian(answer[6..]); count > 0; count--)
        {
            at = SkipName(answer, at);
            var type = BinaryPrimitives.ReadUInt16BigEndian(answer[at..]);
            var data = answer.Slice(at + 10, BinaryPrimitives.ReadUInt16BigEndian(answer[(at + 8)..]));
            at += 10 + data.Length;
            if (type == Txt)
            {
                values.Add(Strings(data));
            }
        }

        return new ServedTxt(answer[3] & 0x0F, values);
    }

    private static string Strings(ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder();
        for (var at = 0; at < data.Length; at += 1 + data[at])
        {
            text.Append(Encoding.UTF8.GetString(data.Slice(at + 1, data[at])));
        }

        return text.ToString();
    }

    private static int SkipName(ReadOnlySpan<byte> message, int at)
    {
        while (message[at] is not 0 and < 0xC0)
        {
            at += message[at] + 1;
        }

        return at + (message[at] == 0 ? 1 : 2);   // the root label, or a compression pointer
    }
}
