using System.Text.Json.Nodes;
using CsCheck;

namespace Webhook.Tests;

/// <summary>The generators of FuzzTests' corpus: malformed ChallengePayloads, Issuer configs and hook command lines.</summary>
internal static class FuzzCorpus
{
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

    public static Gen<string> Payloads(JsonObject valid) => Gen.Frequency(
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
    public static Gen<string[]> HookArguments() => Gen.Select(
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
