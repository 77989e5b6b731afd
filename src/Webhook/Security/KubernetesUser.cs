using System.Security.Claims;

namespace Webhook.Security;

/// <summary>A Kubernetes user as the apiserver framework sees it; carried in the request's ClaimsPrincipal.</summary>
internal sealed record KubernetesUser(string Name, string? Uid, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, List<string>> Extra)
{
    public const string Masters = "system:masters";
    public const string Scheme = "Kubernetes";
    private const string GroupClaim = "k8s/group";
    private const string UidClaim = "k8s/uid";
    private const string ExtraClaim = "k8s/extra/";

    public static readonly KubernetesUser Anonymous = new("system:anonymous", null, ["system:unauthenticated"], new Dictionary<string, List<string>>());

    public bool IsAnonymous => Name == Anonymous.Name;

    /// <summary>
    /// An authenticated identity (with <c>system:authenticated</c> added, as Go does) whose authentication type says
    /// which authenticator vouched for it, or an unauthenticated one for anonymous.
    /// </summary>
    public ClaimsPrincipal ToPrincipal(string authenticationType = Scheme)
    {
        var groups = IsAnonymous || Groups.Contains("system:authenticated") ? Groups : [.. Groups, "system:authenticated"];
        var claims = new List<Claim> { new(ClaimTypes.Name, Name) };
        claims.AddRange(groups.Select(g => new Claim(GroupClaim, g)));
        claims.AddRange(Extra.SelectMany(e => e.Value.Select(v => new Claim(ExtraClaim + e.Key, v))));
        if (Uid is { Length: > 0 })
        {
            claims.Add(new Claim(UidClaim, Uid));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, IsAnonymous ? null : authenticationType));
    }

    /// <summary>The user authentication found, or null when it failed (then nothing may pass but a 401).</summary>
    public static KubernetesUser? From(ClaimsPrincipal principal) => principal.FindFirst(ClaimTypes.Name) is { } name
        ? new(name.Value, principal.FindFirst(UidClaim)?.Value, [.. principal.FindAll(GroupClaim).Select(c => c.Value)],
            principal.Claims.Where(c => c.Type.StartsWith(ExtraClaim, StringComparison.Ordinal))
                .GroupBy(c => c.Type[ExtraClaim.Length..], c => c.Value)
                .ToDictionary(g => g.Key, g => g.ToList()))
        : null;
}
