using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Chart.Tests;

/// <summary>values.yaml, values.schema.json and the README's table say the same; the schema refuses what helm should refuse.</summary>
public sealed partial class ValuesTests(ChartRenderer chart)
{
    private static readonly JsonObject Schema = JsonNode.Parse(File.ReadAllText(Path.Combine(ChartRenderer.ChartDir, "values.schema.json")))!.AsObject();

    [Fact]
    public void TheSchemaDescribesEveryValueAndOnlyThose()
    {
        var values = Values();

        var described = new List<string>();
        WalkSchema(Schema, "", described);

        Leaves(values, Schema, "").Should().BeSubsetOf(described, "every value has a described schema entry");
        described.Where(path => path != "global").Should().BeSubsetOf(Leaves(values, Schema, "").Concat(Maps(values, "")), "the schema has no stale entries");
    }

    [Fact]
    public void EveryObjectInTheSchemaRefusesUnknownKeys()
    {
        var open = new List<string>();
        CollectOpenObjects(Schema, "", open);

        open.Should().BeEmpty("a misspelt key must be an error, not silently ignored");
    }

    [Fact]
    public void TheReadmeTableListsEveryValue()
    {
        var readme = File.ReadAllText(Path.Combine(ChartRenderer.ChartDir, "README.md"));
        var table = TableRow().Matches(readme).Select(m => m.Groups[1].Value).ToList();

        var leaves = Leaves(Values(), Schema, "").ToList();

        table.Should().BeEquivalentTo(leaves);
    }

    [Theory]
    [InlineData("webhook: {replicas: 0}", "/webhook/replicas")]
    [InlineData("webhook: {replica: 2}", "additional properties 'replica' not allowed")]
    [InlineData("webhook: {authorizationMode: AlwaysAllow}", "/webhook/authorizationMode")]
    [InlineData("webhook: {extraArgs: [secure-port=9443]}", "/webhook/extraArgs/0")]
    [InlineData("groupName: Acme_Example", "/groupName")]
    [InlineData("powerdns: {dnsService: {type: ExternalName}}", "/powerdns/dnsService/type")]
    [InlineData("powerdns: {zones: [{nameservers: [ns1.example.com]}]}", "missing property 'name'")]
    [InlineData("powerdns: {zones: [{name: a.example, nameserver: [ns1.example.com]}]}", "additional properties 'nameserver' not allowed")]
    [InlineData("powerdns: {zones: [{name: a.example}]}", "missing property 'nameservers'")]
    [InlineData("clusterIssuer: {enabled: true}", "/clusterIssuer/email")]
    [InlineData("powerdns: {backend: mysql}", "/powerdns/backend")]
    [InlineData("powerdns: {replicas: 2}", "/powerdns/replicas")]
    [InlineData("powerdns: {backend: postgresql, persistence: {enabled: true}, postgresql: {cluster: {enabled: true}}}", "/powerdns/persistence/enabled")]
    [InlineData("powerdns: {postgresql: {sslmode: on}}", "/powerdns/postgresql/sslmode")]
    public async Task TheSchemaRefusesBadValuesByName(string values, string field)
    {
        var error = await chart.RenderErrorAsync(values);

        error.Should().Contain("values don't meet the specifications of the schema").And.Contain(field);
    }

    [Theory]
    [MemberData(nameof(ChartCase.Names), MemberType = typeof(ChartCase))]
    public async Task TheNotesSayWhatToDoNext(string chartCase)
    {
        var rendering = await chart.RenderAsync(ChartCase.Named(chartCase));

        rendering.Notes.Should().Contain("kubectl get apiservice v1alpha1.acme.example.com")
            .And.Contain("kind: Certificate")
            .And.Contain("--dns01-recursive-nameservers-only");
        if (rendering.PowerDns is null)
        {
            rendering.Notes.Should().Contain("https://pdns.example.net/pdns").And.Contain("webhook.replicas=1").And.Contain("*.qa.intranet.example.net");
        }
        else
        {
            rendering.Notes.Should().Contain("intranet.example.com.  IN NS  ns1.example.com.").And.Contain($"service {rendering.PowerDns.Metadata.Name}-dns");
        }

        foreach (var cluster in rendering.All<CloudNativePgClusterSpec>("Cluster"))
        {
            rendering.Notes.Should().Contain($"get cluster.postgresql.cnpg.io {cluster.Metadata.Name}").And.Contain($"Secret {cluster.Metadata.Name}-app");
        }
    }

    [Fact]
    public async Task TheDefaultInstallIsTheseObjects()
    {
        var rendering = await chart.RenderAsync();

        rendering.Inventory.Should().BeEquivalentTo(
            "APIService v1alpha1.acme.example.com",
            "Deployment acme-dns/acme-dns-pdns-webhook",
            "Service acme-dns/acme-dns-pdns-webhook",
            "ServiceAccount acme-dns/acme-dns-pdns-webhook",
            "PodDisruptionBudget acme-dns/acme-dns-pdns-webhook",
            "NetworkPolicy acme-dns/acme-dns-pdns-webhook",
            "Issuer acme-dns/acme-dns-pdns-webhook-selfsign",
            "Certificate acme-dns/acme-dns-pdns-webhook-ca",
            "Issuer acme-dns/acme-dns-pdns-webhook-ca",
            "Certificate acme-dns/acme-dns-pdns-webhook-webhook-tls",
            "ClusterRoleBinding acme-dns-pdns-webhook:auth-delegator",
            "RoleBinding kube-system/acme-dns-pdns-webhook:webhook-authentication-reader",
            "Role acme-dns/acme-dns-pdns-webhook:leases",
            "RoleBinding acme-dns/acme-dns-pdns-webhook:leases",
            "ClusterRole acme-dns-pdns-webhook:domain-solver",
            "ClusterRoleBinding acme-dns-pdns-webhook:domain-solver",
            "Role cert-manager/acme-dns-pdns-webhook:secret-reader",
            "RoleBinding cert-manager/acme-dns-pdns-webhook:secret-reader",
            "Deployment acme-dns/acme-dns-pdns-webhook-powerdns",
            "ConfigMap acme-dns/acme-dns-pdns-webhook-powerdns-zones",
            "Secret acme-dns/acme-dns-pdns-webhook-powerdns-api-key",
            "Secret cert-manager/acme-dns-pdns-webhook-powerdns-api-key",
            "Service acme-dns/acme-dns-pdns-webhook-powerdns-api",
            "Service acme-dns/acme-dns-pdns-webhook-powerdns-dns",
            "NetworkPolicy acme-dns/acme-dns-pdns-webhook-powerdns");
    }

    private static YamlMappingNode Values()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(ChartRenderer.ChartDir, "values.yaml"))));
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    /// <summary>Dotted paths of values.yaml's settings: scalars, lists, and maps the schema leaves free-form (resources, ...).</summary>
    private static IEnumerable<string> Leaves(YamlMappingNode map, JsonObject? schema, string prefix)
    {
        foreach (var (key, value) in map.Children)
        {
            var path = prefix + ((YamlScalarNode)key).Value;
            var node = schema?["properties"]?[((YamlScalarNode)key).Value!]?.AsObject();
            if (value is YamlMappingNode child && node?["properties"] is not null)
            {
                foreach (var leaf in Leaves(child, node, path + "."))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    private static IEnumerable<string> Maps(YamlMappingNode map, string prefix) =>
        map.Children.Where(c => c.Value is YamlMappingNode).SelectMany(c =>
            Maps((YamlMappingNode)c.Value, prefix + ((YamlScalarNode)c.Key).Value + ".").Prepend(prefix + ((YamlScalarNode)c.Key).Value));

    /// <summary>Dotted paths of the schema's properties that carry a description (not descending into array items).</summary>
    private static void WalkSchema(JsonObject node, string prefix, List<string> described)
    {
        foreach (var (name, property) in node["properties"]?.AsObject() ?? [])
        {
            if (property?["description"] is not null)
            {
                described.Add(prefix + name);
            }

            WalkSchema(property!.AsObject(), prefix + name + ".", described);
        }
    }

    private static void CollectOpenObjects(JsonObject node, string path, List<string> open)
    {
        if (node["properties"] is JsonObject properties)
        {
            if (node["additionalProperties"]?.GetValue<bool>() != false)
            {
                open.Add(path == "" ? "(root)" : path);
            }

            foreach (var (name, property) in properties)
            {
                CollectOpenObjects(property!.AsObject(), path == "" ? name : $"{path}.{name}", open);
            }
        }

        if (node["items"] is JsonObject items)
        {
            CollectOpenObjects(items, path + "[]", open);
        }
    }

    [GeneratedRegex(@"^\| `([A-Za-z.]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
