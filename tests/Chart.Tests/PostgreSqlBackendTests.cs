using k8s.Models;

namespace Chart.Tests;

/// <summary>powerdns.backend=postgresql: the database the replicas share, the user's or a CloudNativePG Cluster the chart renders.</summary>
public sealed class PostgreSqlBackendTests(ChartRenderer chart)
{
    public static TheoryData<string> PostgreSqlCases => [ChartCase.PostgreSql.Name, ChartCase.CloudNativePg.Name];

    [Fact]
    public async Task AnExistingDatabaseIsReachedWithTheUsersSecret()
    {
        var rendering = await chart.RenderAsync(ChartCase.PostgreSql);
        var pod = rendering.PowerDns!.Spec.Template.Spec;
        var container = pod.Containers.Single();

        var env = Pods.Env(container);
        var passwordDir = Pods.MountPath(pod, container, v => v.Secret?.SecretName == "pdns-db");

        env.Should().Contain(new Dictionary<string, string>
        {
            ["PDNS_BACKEND"] = "postgresql", ["PDNS_PG_HOST"] = "pdns-db.example.net", ["PDNS_PG_PORT"] = "6432",
            ["PDNS_PG_DATABASE"] = "dns", ["PDNS_PG_SSLMODE"] = "verify-full", ["PDNS_PG_PASSWORD_FILE"] = $"{passwordDir}/password",
        });
        Pods.SecretEnv(container).Should().Equal(new Dictionary<string, (string, string)> { ["PDNS_PG_USER"] = ("pdns-db", "username") });
        rendering.All<CloudNativePgClusterSpec>("Cluster").Should().BeEmpty();
    }

    /// <summary>
    /// The image's entrypoint accepts the rendered settings: it logs in as the Secret's user with the mounted password file,
    /// creates the schema in the empty database, imports the rendered zones, and serves them with the rendered key.
    /// </summary>
    [Fact]
    public async Task ThePodStartsFromTheRenderedObjectsOnAnEmptyDatabaseAndServesTheZones()
    {
        var rendering = await chart.RenderAsync(ChartCase.CloudNativePg);
        await using var postgres = new PostgreSqlServer();
        await postgres.InitializeAsync();
        var database = await postgres.CreateDatabaseAsync();

        await using var pdns = RenderedPowerDns.Start(rendering, database);

        await pdns.ShouldServeAsync(["intranet.example.com"]);
        (await postgres.QueryAsync(database.Name, "SELECT name FROM domains")).Should().Equal("intranet.example.com");
    }

    [Fact]
    public async Task TheCloudNativePgClusterIsRenderedAndItsServiceAndSecretWiredIn()
    {
        var rendering = await chart.RenderAsync(ChartCase.CloudNativePg);
        var container = rendering.PowerDns!.Spec.Template.Spec.Containers.Single();

        var cluster = rendering.All<CloudNativePgClusterSpec>("Cluster").Should().ContainSingle().Subject;
        var env = Pods.Env(container);

        cluster.ApiVersion.Should().Be("postgresql.cnpg.io/v1");
        cluster.Metadata.NamespaceProperty.Should().Be(ChartRenderer.Namespace, "CloudNativePG makes its Service and Secret beside the Cluster");
        cluster.Spec.Instances.Should().Be(3);
        cluster.Spec.Storage.Size.Should().Be("5Gi");
        cluster.Spec.Storage.StorageClass.Should().Be("fast-ssd");
        cluster.Spec.Bootstrap.Initdb.Database.Should().Be("pdns");
        cluster.Spec.Bootstrap.Initdb.Owner.Should().Be("pdns", "the owner may create the schema PowerDNS loads on its first start");
        env["PDNS_PG_HOST"].Should().Be($"{cluster.Metadata.Name}-rw", "CloudNativePG's Service of the primary");
        env["PDNS_PG_PORT"].Should().Be("5432");
        env["PDNS_PG_DATABASE"].Should().Be(cluster.Spec.Bootstrap.Initdb.Database);
        Pods.SecretEnv(container)["PDNS_PG_USER"].Should().Be(($"{cluster.Metadata.Name}-app", "username"), "CloudNativePG's Secret of the owner");
        rendering.PowerDns.Spec.Template.Spec.Volumes.Should().ContainSingle(v => v.Secret != null && v.Secret.SecretName == $"{cluster.Metadata.Name}-app");
    }

    /// <summary>The password reaches PowerDNS as a file of the one key, never as an environment value or argument.</summary>
    [Theory]
    [MemberData(nameof(PostgreSqlCases))]
    public async Task ThePasswordIsOnlyEverAFile(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var pod = rendering.PowerDns!.Spec.Template.Spec;
        var container = pod.Containers.Single();
        var secret = Pods.SecretEnv(container)["PDNS_PG_USER"].Secret;

        var volume = pod.Volumes.Single(v => v.Secret?.SecretName == secret);

        Pods.SecretEnv(container).Values.Should().OnlyContain(r => r.Key == "username", "only the user name is an environment value");
        container.EnvFrom.Should().BeNullOrEmpty();
        Pods.Env(container).Keys.Should().NotContain("PDNS_PG_PASSWORD");
        (container.Args ?? []).Concat(container.Command ?? []).Should().NotContain(a => a.Contains("password", StringComparison.OrdinalIgnoreCase));
        volume.Secret.Items.Select(i => (i.Key, i.Path)).Should().Equal([("password", "password")], "the Secret's other keys (URIs, pgpass) hold it too");
        Pods.Env(container)["PDNS_PG_PASSWORD_FILE"].Should().Be(container.VolumeMounts.Single(m => m.Name == volume.Name).MountPath + "/password");
    }

    [Theory]
    [MemberData(nameof(PostgreSqlCases))]
    public async Task NoSqliteVolumeOrSettingIsLeft(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));
        var pod = rendering.PowerDns!.Spec.Template.Spec;

        pod.Volumes.Select(v => v.Name).Should().NotContain("data");
        Pods.Env(pod.Containers.Single()).Keys.Should().NotContain("PDNS_DATA_DIR");
        rendering.All<V1PersistentVolumeClaim>().Should().BeEmpty();
    }

    [Theory]
    [InlineData("powerdns: {replicas: 2}")]
    [InlineData("powerdns: {replicas: 3, backend: sqlite}")]
    public async Task MoreThanOneReplicaOnSqliteIsRefusedByTheSchemaAndTheTemplates(string values)
    {
        var bySchema = await chart.RenderErrorAsync(values);
        var byTemplates = await chart.RenderErrorAsync(values, skipSchema: true);

        bySchema.Should().Contain("values don't meet the specifications of the schema").And.Contain("/powerdns/replicas");
        byTemplates.Should().Contain("more than one replica needs powerdns.backend=postgresql");
    }

    [Theory]
    [InlineData("powerdns: {backend: postgresql}", "powerdns.postgresql.host is required")]
    [InlineData("powerdns: {backend: postgresql, postgresql: {host: db}}", "powerdns.postgresql.existingSecret (a Secret with username and password) is required")]
    [InlineData("powerdns: {backend: postgresql, postgresql: {host: db, cluster: {enabled: true}}}", "not both")]
    public async Task AnIncompleteDatabaseIsRefusedWithTheMissingValue(string values, string message)
    {
        var error = await chart.RenderErrorAsync(values);

        error.Should().Contain(message);
    }
}
