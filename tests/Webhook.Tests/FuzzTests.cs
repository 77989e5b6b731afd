using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Webhook.Hook;

namespace Webhook.Tests;

/// <summary>
/// Thousands of malformed payloads and Issuer configs through the real HTTPS endpoint, and malformed hook-mode command
/// lines: never a crash or a 5xx, always a Kubernetes Status or <c>success:false</c> with a message. The corpus is
/// generated from a fixed seed, so a failure names the case that reproduces it.
/// </summary>
public sealed class FuzzTests(DebianPowerDnsServer pdns)
{
    private const ulong Seed = 20_261_202;

    [Fact]
    public async Task MalformedPayloadsAndConfigsAreAnsweredWithAStatusOrAFailure()
    {
        // No generated config reaches PowerDNS or a Secret: every host is outside this list.
        await using var webhook = await WebhookHarness.StartAsync(pdns, settings: new() { ["Webhook:AllowedHosts"] = "nothing.invalid" });
        var valid = JsonNode.Parse(webhook.Body("Present", "_acme-challenge.fuzz.example.test.", "fuzz-key"))!.AsObject();
        var corpus = Corpus(FuzzCorpus.Payloads(valid), 3_000);

        var failures = new List<string>();
        foreach (var chunk in corpus.Select((body, index) => (body, index)).Chunk(8))
        {
            await Task.WhenAll(chunk.Select(async c =>
            {
                if (await ProblemAsync(webhook, c.body) is { } problem)
                {
                    lock (failures)
                    {
                        failures.Add($"case {c.index} (seed {Seed}): {problem}; body: {Shorten(c.body)}");
                    }
                }
            }));
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task MalformedHookCommandLinesEndWithAMessageAndExitOne()
    {
        var corpus = Corpus(FuzzCorpus.HookArguments(), 400);
        var (stdout, stderr) = (Console.Out, Console.Error);
        var failures = new List<string>();
        try
        {
            foreach (var (args, index) in corpus.Select((a, i) => (a, i)))
            {
                var all = (string[])[.. args, "--allowed-hosts", "nothing.invalid"];   // never leaves this machine
                var (exit, output, crash) = await RunHookAsync(all);
                if (crash is not null || exit is not (0 or 1 or 2) || (exit != 0 && !output.Contains("pdns-webhook:", StringComparison.Ordinal)))
                {
                    failures.Add($"case {index} (seed {Seed}): [{string.Join(" ", all.Select(a => $"'{a}'"))}] exit {exit}: {crash?.GetType().Name} {crash?.Message} {output}");
                }
            }
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }

        failures.Should().BeEmpty();
    }

    private static async Task<string?> ProblemAsync(WebhookHarness webhook, string body)
    {
        // A body over the limit is refused before it is sent, as kube-apiserver's proxy would see it: after Expect: 100-continue.
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookHarness.SolverPath) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = body.Length > 1024 * 1024;
        using var response = await webhook.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = Parse(text);
        return (int)response.StatusCode >= 500 ? $"answered {(int)response.StatusCode}: {Shorten(text)}"
            : response.StatusCode == HttpStatusCode.Created
                ? json?["response"]?["success"]?.GetValue<bool>() == false && json["response"]?["status"]?["message"]?.GetValue<string>() is { Length: > 0 }
                    ? null : $"a 201 without success:false and a message: {Shorten(text)}"
                : json?["kind"]?.GetValue<string>() == "Status" && json["message"]?.GetValue<string>() is { Length: > 0 }
                    ? null : $"a {(int)response.StatusCode} without a Kubernetes Status: {Shorten(text)}";
    }

    private static async Task<(int Exit, string Output, Exception? Crash)> RunHookAsync(string[] args)
    {
        using var output = new StringWriter();
        Console.SetOut(output);
        Console.SetError(output);
        try
        {
            var exit = HookCall.Parse(args, _ => null) is { } calls ? await HookMode.RunAsync(calls, args) : 2;
            return (exit, output.ToString(), null);
        }
        catch (Exception e)
        {
            return (-1, output.ToString(), e);
        }
    }

    private static List<T> Corpus<T>(Gen<T> gen, int count)
    {
        var pcg = new PCG(1, Seed);
        return [.. Enumerable.Range(0, count).Select(_ => gen.Generate(pcg, null, out Size _))];
    }

    private static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + $"... ({text.Length} chars)";
}
