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
        var corpus = Corpus(Payloads(valid), 3_000);

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
        var corpus = Corpus(HookArguments(), 400);
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

    // Strings with what breaks parsers and logs: controls, quotes, backslashes, surrogates, right-to-left marks, NUL.
    private static readonly Gen<string> Nasty = Gen.Int[0, 40].SelectMany(length => Gen.OneOf(
            Gen.Char['\0', '\u001f'], Gen.Char[' ', '~'], Gen.Char['\u0080', '\uffff'],
            Gen.OneOf(Gen.Const('"'), Gen.Const('\\'), Gen.Const('\u202e'), Gen.Const('\ud800'), Gen.Const('.'), Gen.Const('*')))
        .Array[length].Select(chars => new string(chars)));

    private static readonly Gen<JsonNode?> Scalar = Gen.OneOf<JsonNode?>(
        Nasty.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n)),
        Gen.Double.Select(d => (JsonNode?)(double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(0.5))),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Const(() => (JsonNode?)null),
        Gen.Int[0, 5].Select(n => (JsonNode?)new JsonArray([.. Enumerable.Range(0, n).Select(i => (JsonNode?)i)])),
        Gen.Const<JsonNode?>(new JsonObject()),
        Gen.Int[1, 200_000].Select(n => (JsonNode?)JsonValue.Create(new string('a', n))));

    private static Gen<string> Payloads(JsonObject valid) => Gen.Frequency(
        (6, Mutated(valid, "request")),
        (6, Mutated(valid, "request", "config")),
        (2, Gen.Int[0, 400].Select(cut => valid.ToJsonString()[..Math.Min(cut, valid.ToJsonString().Length)])),
        (2, Nasty),
        (1, Gen.Int[10, 3_000].Select(depth => new string('[', depth) + new string(']', depth))),
        (1, Gen.Int[10, 3_000].Select(depth => $"{{\"request\":{Deep(depth)}}}")),
        (1, Gen.Int[0, 3].Select(i => $"{{\"request\":{{\"uid\":\"a\",\"uid\":\"b\",\"action\":\"Present\",\"action\":{i}}}}}")),
        (1, Gen.Int[1, 4].Select(n => valid.ToJsonString().Replace("\"config\":{", "\"config\":{\"pad\":\"" + new string('x', n * 1024 * 1024) + "\",", StringComparison.Ordinal))));

    private static string Deep(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    // The valid payload with one field of the object at `path` removed, replaced by a value of any type, or duplicated.
    private static Gen<string> Mutated(JsonObject valid, params string[] path) =>
        Gen.Select(Gen.Int[0, 30], Gen.Int[0, 2], Scalar, (field, how, value) =>
        {
            var copy = valid.DeepClone().AsObject();
            var target = path.Aggregate((JsonNode)copy, (node, name) => node[name]!).AsObject();
            var names = target.Select(p => p.Key).ToList();
            var name = names[field % names.Count];
            _ = how switch
            {
                0 => target.Remove(name),
                1 => (target[name] = value?.DeepClone()) is var _,
                _ => false,
            };
            var text = copy.ToJsonString();
            return how == 2 ? text.Replace($"\"{name}\":", $"\"{name}\":{value?.ToJsonString() ?? "null"},\"{name}\":", StringComparison.Ordinal) : text;
        });

    // A hook's verb first (anything else is the server's command line), then any mix of flags, values and nasty strings.
    private static Gen<string[]> HookArguments() => Gen.Select(
        Gen.OneOf(Gen.Const("present"), Gen.Const("cleanup"), Gen.Const("deploy_challenge"), Gen.Const("clean_challenge"),
            Gen.Const("certbot-auth"), Gen.Const("certbot-cleanup"), Gen.Const("startup_hook")),
        Gen.OneOf(
                Gen.OneOf(Gen.Const("--config"), Gen.Const("--via"), Gen.Const("--secrets-dir"), Gen.Const("--log-level"), Gen.Const("--namespace"),
                    Gen.Const("--allowed-hosts"), Gen.Const("--client-cert"), Gen.Const("--ca-file"), Gen.Const("--user"),
                    Gen.Const("{\"host\":\"http://pdns.invalid\",\"apiKeySecretRef\":{\"name\":\"a\",\"key\":\"b\"}}"), Gen.Const("{"),
                    Gen.Const("https://127.0.0.1:1"), Gen.Const("_acme-challenge.example.test."), Gen.Const("*.example.test"), Gen.Const("")),
                Nasty)
            .Array[0, 9],
        (verb, rest) => (string[])[verb, .. rest]);
}
