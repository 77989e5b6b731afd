using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Webhook.Challenges;
using Webhook.Editing;
using Webhook.Issuers;

namespace Webhook.Tests;

public sealed class SolverConfigTests
{
    private const string Required = """ "host": "https://pdns.example.test/prefix/", "apiKeySecretRef": {"name": "pdns-api", "key": "api-key"} """;

    [Fact]
    public void OmittedFieldsGetSafeDefaults()
    {
        var config = Parse($"{{{Required}}}");

        config.Host.Should().Be(new Uri("https://pdns.example.test/prefix"));
        config.ApiKeySecretRef.Should().Be(new SecretKeySelector("pdns-api", "api-key"));
        config.ServerId.Should().Be("localhost");
        config.ApiKeyHeaderName.Should().Be("X-API-Key");
        config.ApiKeyScheme.Should().BeNull();
        config.Headers.Should().BeEmpty();
        config.CaBundle.Should().BeNull();
        config.Ttl.Should().Be(60);
        config.Timeout.Should().Be(TimeSpan.FromSeconds(10));
        config.Zone.Should().BeNull();
        config.AllowedZones.Should().BeEmpty();
        config.EditStrategy.Should().Be(EditStrategy.Auto);
        config.Instances.Should().BeEmpty();
        config.DnsPort.Should().Be(53);
    }

    [Fact]
    public void EveryFieldIsRead()
    {
        var pem = TestCa();

        var config = Parse($$"""
            {{{Required}}, "serverId": "primary", "apiKeyHeaderName": "Authorization", "apiKeyScheme": "Bearer",
             "headers": {"X-Tenant": "qa"}, "caBundle": {{JsonSerializer.Serialize(pem)}}, "ttl": 120, "timeoutSeconds": 5,
             "zone": "Intranet.Example.Test", "allowedZones": ["intranet.example.test."], "editStrategy": "Replace",
             "instances": ["PDNS.dns.svc.cluster.local.", "10.0.0.7", "fd00::0:7", "10.0.0.7"], "dnsPort": 5353}
            """);

        config.Should().BeEquivalentTo(new
        {
            ServerId = "primary",
            ApiKeyHeaderName = "Authorization",
            ApiKeyScheme = "Bearer",
            CaBundle = pem,
            Ttl = 120,
            Timeout = TimeSpan.FromSeconds(5),
            Zone = "intranet.example.test.",
            AllowedZones = new[] { "intranet.example.test." },
            EditStrategy = EditStrategy.Replace,
            Instances = new[] { "pdns.dns.svc.cluster.local", "10.0.0.7", "fd00::7" },
            DnsPort = 5353,
        });
        config.Headers.Should().Contain("X-Tenant", "qa");
    }

    [Fact]
    public void TheGoWebhooksFieldNamesAreAccepted()
    {
        var pem = TestCa();

        var config = Parse($$"""
            {{{Required}}, "serverID": "primary", "timeout": 30, "allowed-zones": ["a.test"],
             "caBundle": "{{Convert.ToBase64String(Encoding.UTF8.GetBytes(pem))}}"}
            """);

        config.ServerId.Should().Be("primary");
        config.Timeout.Should().Be(TimeSpan.FromSeconds(30));
        config.AllowedZones.Should().Equal("a.test.");
        config.CaBundle.Should().Be(pem);
    }

    [Theory]
    [InlineData("""{"apiKeySecretRef": {"name": "s", "key": "k"}}""", "'host' is required")]
    [InlineData("""{"host": "http://p"}""", "'apiKeySecretRef' is required")]
    [InlineData("""{"host": "http://user:pw@p", "apiKeySecretRef": {"name": "s", "key": "k"}}""", "without credentials")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s"}}""", "'apiKeySecretRef' needs 'name'")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "../etc", "key": "k"}}""", "'apiKeySecretRef' needs 'name'")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": ".."}}""", "'apiKeySecretRef' needs 'name'")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "caBundle": "not a cert"}""", "'caBundle' must hold PEM certificates")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "headers": {"X": 1}}""", "'headers' must map header names to string values")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "apiKeyHeaderName": "Bad Header"}""", "'apiKeyHeaderName' must be an HTTP header token")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "zone": "a..b"}""", "'zone' must be a DNS name")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "allowedZones": "a.test"}""", "'allowedZones' must be a list of DNS names")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "ttl": 1.5}""", "'ttl' must be a whole number")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "editStrategy": "1"}""", "'editStrategy' must be one of")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "instances": "10.0.0.7"}""", "'instances' must be a list of host names or IP addresses")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "instances": ["pdns-0", "http://pdns-1"]}""", "'instances' must be a list of host names or IP addresses")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "instances": ["10.0.0.7:53"]}""", "'instances' must be a list of host names or IP addresses")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "dnsPort": 0}""", "'dnsPort' must be a whole number from 1 to 65535; got 0")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "dnsPort": 65536}""", "'dnsPort' must be a whole number from 1 to 65535")]
    [InlineData("""{"host": "http://p", "apiKeySecretRef": {"name": "s", "key": "k"}, "dnsPort": "53"}""", "'dnsPort' must be a whole number")]
    [InlineData("""["host"]""", "must be an object")]
    public void ABadConfigIsRefusedNamingTheField(string json, string message)
    {
        var parse = () => Parse(json);

        parse.Should().Throw<SolverException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var parse = () => Parse("""{"ttl": -1, "nope": true}""");

        parse.Should().Throw<SolverException>().Which.Message.Should()
            .Contain("'host' is required").And.Contain("'apiKeySecretRef' is required").And.Contain("'ttl'").And.Contain("unknown field(s) 'nope'");
    }

    private static SolverConfig Parse(string json) => SolverConfig.Parse(JsonDocument.Parse(json).RootElement);

    private static string TestCa()
    {
        using var key = ECDsa.Create();
        var request = new CertificateRequest("CN=test-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        return ca.ExportCertificatePem();
    }
}
