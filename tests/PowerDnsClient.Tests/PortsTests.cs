namespace PowerDnsClient.Tests;

/// <summary>The test ports every assembly's servers listen on: CI once lost a run to a port taken between check and bind.</summary>
public sealed class PortsTests
{
    [Fact]
    public void PortsComeFromOutsideTheKernelsEphemeralRangeAndAreNeverHandedOutTwice()
    {
        var ephemeral = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
            .Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

        var ports = Enumerable.Range(0, 200).Select(_ => Ports.GetFree()).ToList();

        ports.Should().OnlyHaveUniqueItems();
        ports.Should().OnlyContain(p => p < ephemeral[0] || p > ephemeral[1], "an outgoing connection may take an ephemeral port before the server binds it");
    }

    [Fact]
    public async Task AnotherProcessCannotReserveAPortThisOneWasGiven()
    {
        var port = Ports.GetFree();

        var other = await ChildProcess.RunAsync("flock", ["--nonblock", "--conflict-exit-code", "75", Ports.LockFile(port), "true"], TimeSpan.FromSeconds(10));

        other.ExitCode.Should().Be(75, other.ToString());
    }
}
