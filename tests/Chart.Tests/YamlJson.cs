using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chart.Tests;

/// <summary>YAML as YamlDotNet reads it (maps, lists, scalars) as JSON: a solver config as cert-manager sends it.</summary>
internal static class YamlJson
{
    public static JsonNode? Node(object? yaml) => yaml switch
    {
        IDictionary<string, object> map => new JsonObject(map.Select(e => KeyValuePair.Create(e.Key, Node(e.Value)))),
        IDictionary<object, object> map => new JsonObject(map.Select(e => KeyValuePair.Create((string)e.Key, Node(e.Value)))),
        IEnumerable<object> list => new JsonArray([.. list.Select(Node)]),
        byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal =>
            JsonValue.Create(Convert.ToDecimal(yaml, CultureInfo.InvariantCulture)),
        bool flag => JsonValue.Create(flag),
        null => null,
        _ => JsonValue.Create(yaml.ToString()),
    };

    /// <summary>The webhook's input type: what its config validation takes.</summary>
    public static JsonElement Element(JsonNode? json)
    {
        using var document = JsonDocument.Parse(json?.ToJsonString() ?? "null");
        return document.RootElement.Clone();
    }
}
