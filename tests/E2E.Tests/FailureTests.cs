using System.Text.Json.Nodes;

namespace E2E.Tests;

/// <summary>A misconfiguration ends the client's run with a non-zero exit and, in its output, what to fix.</summary>
public sealed class FailureTests(AcmeStack4918 stack)
{
    public static MatrixTheoryData<string, string> Cases => new(["lego", "dehydrated", "certbot"], ["wrong API key", "zone not served", "outside allowedZones"]);

    [Theory, MemberData(nameof(Cases))]
    public async Task TheClientFailsSayingWhatToFix(string client, string problem)
    {
        var wrongKey = "wrong-key-" + Guid.NewGuid().ToString("N");
        using var run = problem switch
        {
            "wrong API key" => new AcmeRun(stack, apiKey: wrongKey),
            "zone not served" => new AcmeRun(stack, parent: "unserved.test"),
            _ => new AcmeRun(stack, config: new JsonObject { ["allowedZones"] = new JsonArray("other.test.") }),
        };
        var expected = problem switch
        {
            "wrong API key" => "401 Unauthorized: Unauthorized (PowerDNS refused the API key: make the Secret named by 'apiKeySecretRef' hold PowerDNS's api-key)",
            "zone not served" => $"has no zone holding '{run.Fqdn}': create the zone there, or point 'host' at the server that has it",
            _ => $"'{run.Fqdn}' is outside the issuer's allowedZones (other.test.): add its zone there, or solve it with an issuer that allows it",
        };

        ClientRun result;
        if (client == "certbot")
        {
            await using var server = await WebhookServer.StartAsync(run.SecretsDirectory);
            result = await run.CertbotAsync(server.Via);
        }
        else
        {
            result = client == "lego" ? await run.LegoAsync() : await run.DehydratedAsync();
        }

        result.Exit.Should().NotBe(0);
        result.Output.Should().Contain(expected).And.NotContain(wrongKey).And.NotContain(stack.PowerDns.ApiKey);
        run.Events.Presented.Should().NotBeEmpty("the hook was asked to put a value up");
        File.Exists(result.CertificateFile).Should().BeFalse();
    }
}
