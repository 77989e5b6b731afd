[assembly: AssemblyFixture(typeof(Chart.Tests.ChartRenderer))]

// The tests start Linux processes (helm, pdns_server, chroot); file modes are set for the image's user.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
