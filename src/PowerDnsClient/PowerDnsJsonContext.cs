using System.Text.Json;
using System.Text.Json.Serialization;

namespace PowerDnsClient;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ServerInfo))]
[JsonSerializable(typeof(Zone))]
[JsonSerializable(typeof(IReadOnlyList<Zone>))]
[JsonSerializable(typeof(ZonePatch))]
[JsonSerializable(typeof(CacheFlushResult))]
internal sealed partial class PowerDnsJsonContext : JsonSerializerContext;
