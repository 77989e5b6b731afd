namespace Chart.Tests;

/// <summary>The matrix of installs every rendered object is validated for: values merged over values.yaml.</summary>
public sealed record ChartCase(string Name, string Values)
{
    public static readonly ChartCase Defaults = new("defaults", "");

    /// <summary>No bundled PowerDNS: the ClusterIssuer points at one of the user's, an old one, so one replica.</summary>
    public static readonly ChartCase ExternalPowerDns = new("external-powerdns", """
        webhook:
          replicas: 1
        powerdns:
          enabled: false
        externalPowerDns:
          host: https://pdns.example.net/pdns
          apiKeySecretRef: {name: pdns-api-key, key: api-key}
          zones: [intranet.example.net]
        clusterIssuer:
          enabled: true
          email: platform@example.com
        rbac:
          secretNamespaces: [cert-manager, team-a]
        """);

    public static readonly ChartCase Persistence = new("pvc", """
        powerdns:
          persistence:
            enabled: true
            storageClassName: fast-ssd
            size: 2Gi
        """);

    /// <summary>Three replicas, scraped by a Prometheus Operator with its own service account.</summary>
    public static readonly ChartCase ThreeReplicas = new("replicas-3", """
        webhook:
          replicas: 3
        metrics:
          serviceMonitor:
            enabled: true
            labels: {release: prometheus}
          prometheusServiceAccount:
            name: prometheus-k8s
        """);

    public static readonly ChartCase ClusterIssuer = new("cluster-issuer", """
        clusterIssuer:
          enabled: true
          name: letsencrypt-staging
          email: platform@example.com
          selector:
            dnsZones: [intranet.example.com]
          config:
            ttl: 120
        """);

    /// <summary>Two PowerDNS replicas on a PostgreSQL of the user's, named by host, with its credentials in a Secret of theirs.</summary>
    public static readonly ChartCase PostgreSql = new("postgresql", """
        powerdns:
          backend: postgresql
          replicas: 2
          postgresql:
            host: pdns-db.example.net
            port: 6432
            database: dns
            sslmode: verify-full
            existingSecret: pdns-db
        """);

    /// <summary>Three PowerDNS replicas on a CloudNativePG cluster the chart renders, and the ClusterIssuer naming each replica.</summary>
    public static readonly ChartCase CloudNativePg = new("cloudnativepg", """
        powerdns:
          backend: postgresql
          replicas: 3
          postgresql:
            cluster:
              enabled: true
              storage: {size: 5Gi, storageClass: fast-ssd}
        clusterIssuer:
          enabled: true
          email: platform@example.com
        """);

    public static readonly IReadOnlyList<ChartCase> All = [Defaults, ExternalPowerDns, Persistence, ThreeReplicas, ClusterIssuer, PostgreSql, CloudNativePg];

    /// <summary>The cases with one PowerDNS replica on SQLite (the rest of the bundled ones run on PostgreSQL).</summary>
    public static TheoryData<string> SqliteNames => [.. All.Where(c => c != ExternalPowerDns && c != PostgreSql && c != CloudNativePg).Select(c => c.Name)];

    /// <summary>Theory data: the case names (serialisable, so each case is its own test).</summary>
    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    public static ChartCase Named(string name) => All.Single(c => c.Name == name);

    public override string ToString() => Name;
}
