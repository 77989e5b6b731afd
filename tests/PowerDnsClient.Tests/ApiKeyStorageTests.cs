namespace PowerDnsClient.Tests;

/// <summary>The bundled image's entrypoint keeps the API key out of pdns.conf: PowerDNS verifies a salted scrypt hash.</summary>
public sealed class ApiKeyStorageTests(DebianPowerDnsServer pdns)
{
    [Fact]
    public async Task PdnsConfHoldsTheApiKeyHashedAndTheKeyStillWorks()
    {
        var conf = await File.ReadAllTextAsync(pdns.ConfigFile);
        using var api = pdns.Api();

        using var response = await api.GetAsync("/api/v1/servers/localhost");

        conf.Should().NotContain(pdns.ApiKey).And.MatchRegex(@"(?m)^api-key=\$scrypt\$");
        response.IsSuccessStatusCode.Should().BeTrue();
    }
}
