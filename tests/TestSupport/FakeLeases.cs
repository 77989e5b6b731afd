using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TestSupport;

/// <summary>
/// coordination.k8s.io/v1 Leases in <see cref="FakeKubeApi"/>, with kube-apiserver's optimistic concurrency: every
/// write bumps resourceVersion; a replace naming another version is 409 Conflict, one naming none is 422 (Leases allow
/// no unconditional update); a create of an existing name is 409 AlreadyExists; a missing Lease is 404.
/// </summary>
public sealed partial class FakeLeases
{
    private const string Path = "/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Namespace, string Name), JsonObject> _leases = [];
    private long _version = 1000;
    private int _reads;
    private int _conflicts;
    private TaskCompletionSource? _waitingRead;

    /// <summary>Last write wins, as a store without compare-and-swap: what the lock's correctness must not survive.</summary>
    public bool IgnoreResourceVersion { get; set; }

    /// <summary>
    /// How many pairs of upcoming reads to answer together: each read waits for another, so two replicas see the same
    /// version of a Lease and race to replace it.
    /// </summary>
    public int PairedReads { get; set; }

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Creates and replaces answered 409.</summary>
    public int Conflicts => Volatile.Read(ref _conflicts);

    /// <summary>The namespace and name of every stored Lease.</summary>
    public IReadOnlyList<(string Namespace, string Name)> Names
    {
        get
        {
            lock (_gate)
            {
                return [.. _leases.Keys];
            }
        }
    }

    /// <summary>A copy of the stored Lease, or null.</summary>
    public JsonObject? Get(string @namespace, string name)
    {
        lock (_gate)
        {
            return _leases.TryGetValue((@namespace, name), out var lease) ? lease.DeepClone().AsObject() : null;
        }
    }

    /// <summary>Stores <paramref name="lease"/> as if some client had written it (a replica that then crashed).</summary>
    public void Put(string @namespace, JsonObject lease)
    {
        lock (_gate)
        {
            _leases[(@namespace, lease["metadata"]!["name"]!.GetValue<string>())] = Stamp(lease, @namespace, null);
        }
    }

    internal void Map(WebApplication app)
    {
        app.MapGet(Path + "/{name}", async (string ns, string name, CancellationToken aborted) =>
        {
            Interlocked.Increment(ref _reads);
            // Read before the rendezvous: paired reads then answer the same version, however late either reply is sent.
            var stored = Get(ns, name);
            await RendezvousAsync(aborted);
            return stored is { } lease ? Results.Json(lease) : Status(404, "NotFound", $"leases.coordination.k8s.io \"{name}\" not found", name);
        });
        app.MapPost(Path, async (string ns, HttpRequest request) =>
        {
            var lease = (await request.ReadFromJsonAsync<JsonObject>())!;
            var name = lease["metadata"]?["name"]?.GetValue<string>() ?? "";
            lock (_gate)
            {
                return BadTime(lease) is { } bad ? bad
                    : _leases.ContainsKey((ns, name)) ? Conflict(Status(409, "AlreadyExists", $"leases.coordination.k8s.io \"{name}\" already exists", name))
                    : Results.Json(_leases[(ns, name)] = Stamp(lease, ns, null), statusCode: 201);
            }
        });
        app.MapPut(Path + "/{name}", async (string ns, string name, HttpRequest request) =>
        {
            var lease = (await request.ReadFromJsonAsync<JsonObject>())!;
            var version = lease["metadata"]?["resourceVersion"]?.GetValue<string>();
            lock (_gate)
            {
                return BadTime(lease) is { } bad ? bad
                    : lease["metadata"]?["name"]?.GetValue<string>() != name ? Status(400, "BadRequest", $"the name of the object does not match the name on the URL ({name})", name)
                    : !_leases.TryGetValue((ns, name), out var stored) ? Status(404, "NotFound", $"leases.coordination.k8s.io \"{name}\" not found", name)
                    : version is not { Length: > 0 } ? Status(422, "Invalid", $"Lease.coordination.k8s.io \"{name}\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", name)
                    : version != stored["metadata"]!["resourceVersion"]!.GetValue<string>() && !IgnoreResourceVersion ? Conflict(Status(409, "Conflict",
                        $"Operation cannot be fulfilled on leases.coordination.k8s.io \"{name}\": the object has been modified; please apply your changes to the latest version and try again", name))
                    : Results.Json(_leases[(ns, name)] = Stamp(lease, ns, stored));
            }
        });
    }

    // What the API server sets: namespace, uid and creation time (kept on replace), and a new resourceVersion.
    private JsonObject Stamp(JsonObject lease, string @namespace, JsonObject? stored)
    {
        var metadata = lease["metadata"]!.AsObject();
        metadata["namespace"] = @namespace;
        metadata["uid"] = stored?["metadata"]?["uid"]?.GetValue<string>() ?? Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = stored?["metadata"]?["creationTimestamp"]?.GetValue<string>() ?? TimeProvider.System.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        metadata["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
        (lease["apiVersion"], lease["kind"]) = ("coordination.k8s.io/v1", "Lease");
        return lease;
    }

    // MicroTime is RFC 3339 with exactly six fractional digits; Go's decoder rejects anything else with a 400.
    private static IResult? BadTime(JsonObject lease) => new[] { "acquireTime", "renewTime" }
        .Select(field => lease["spec"]?[field]?.GetValue<string>())
        .FirstOrDefault(value => value is not null && !MicroTime().IsMatch(value)) is { } bad
            ? Status(400, "BadRequest", $"parsing time \"{bad}\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse", "")
            : null;

    private IResult Conflict(IResult status)
    {
        Interlocked.Increment(ref _conflicts);
        return status;
    }

    private async Task RendezvousAsync(CancellationToken aborted)
    {
        TaskCompletionSource mine;
        lock (_gate)
        {
            if (PairedReads <= 0)
            {
                return;
            }

            if (_waitingRead is { } other)
            {
                (_waitingRead, PairedReads) = (null, PairedReads - 1);
                other.SetResult();
                return;
            }

            mine = _waitingRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        await mine.Task.WaitAsync(aborted);
    }

    private static IResult Status(int code, string reason, string message, string name) => Results.Json(new
    {
        kind = "Status", apiVersion = "v1", metadata = new { }, status = "Failure", message, reason,
        details = new { name, group = "coordination.k8s.io", kind = "leases" }, code,
    }, statusCode: code);

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$")]
    private static partial Regex MicroTime();
}
