namespace Chart.Tests;

// The fields of a CloudNativePG Cluster (postgresql.cnpg.io/v1) the chart writes, parsed strictly like the built-in kinds.

public sealed class CloudNativePgClusterSpec
{
    public int Instances { get; set; }

    public CloudNativePgStorage Storage { get; set; } = new();

    public CloudNativePgBootstrap Bootstrap { get; set; } = new();
}

public sealed class CloudNativePgStorage
{
    public string Size { get; set; } = "";

    public string? StorageClass { get; set; }
}

public sealed class CloudNativePgBootstrap
{
    /// <summary>CloudNativePG spells it in lower case.</summary>
    public CloudNativePgInitDb Initdb { get; set; } = new();
}

public sealed class CloudNativePgInitDb
{
    public string Database { get; set; } = "";

    public string Owner { get; set; } = "";
}
