using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace Webhook.Editing;

/// <summary>The Lease objects of <see cref="LeaseWriteLock"/>: their names, what they say about their scope, and a claim.</summary>
internal static class Leases
{
    /// <summary>A DNS label derived from the scope: server URLs and zone names do not fit a Lease's name.</summary>
    public static string Name(WriteScope scope) =>
        "pdns-webhook-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope.ToString())))[..20];

    /// <summary>A new Lease, annotated with the server and zone it locks, for whoever lists Leases to see which is which.</summary>
    public static V1Lease New(string name, WriteScope scope) => new()
    {
        ApiVersion = "coordination.k8s.io/v1",
        Kind = "Lease",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "pdns-webhook", ["app.kubernetes.io/component"] = "write-lock" },
            Annotations = new Dictionary<string, string> { ["pdns-webhook/server"] = scope.Server, ["pdns-webhook/zone"] = scope.Zone ?? "(every zone)" },
        },
    };

    /// <summary><paramref name="lease"/> made <paramref name="identity"/>'s from <paramref name="now"/>, counting a change of holder.</summary>
    public static V1Lease Claim(V1Lease lease, string identity, int durationSeconds, DateTime now)
    {
        lease.Spec ??= new V1LeaseSpec();
        if (lease.Spec.HolderIdentity != identity)
        {
            (lease.Spec.AcquireTime, lease.Spec.LeaseTransitions) = (now, (lease.Spec.LeaseTransitions ?? -1) + 1);
        }

        (lease.Spec.HolderIdentity, lease.Spec.RenewTime, lease.Spec.LeaseDurationSeconds) = (identity, now, durationSeconds);
        return lease;
    }
}
