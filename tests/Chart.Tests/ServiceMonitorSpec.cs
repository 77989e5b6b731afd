using k8s.Models;

namespace Chart.Tests;

/// <summary>The fields of a Prometheus Operator ServiceMonitor (monitoring.coreos.com/v1) the chart writes, parsed strictly.</summary>
public sealed class ServiceMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();

    public List<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}

public sealed class ServiceMonitorEndpoint
{
    public string Port { get; set; } = "";

    public string Scheme { get; set; } = "";

    public string Path { get; set; } = "";

    public string Interval { get; set; } = "";

    public string BearerTokenFile { get; set; } = "";

    public ServiceMonitorTls TlsConfig { get; set; } = new();
}

public sealed class ServiceMonitorTls
{
    public string ServerName { get; set; } = "";

    public ServiceMonitorCa Ca { get; set; } = new();
}

public sealed class ServiceMonitorCa
{
    public V1SecretKeySelector Secret { get; set; } = new();
}
