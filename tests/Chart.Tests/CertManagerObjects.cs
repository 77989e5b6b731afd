using k8s;
using k8s.Models;

namespace Chart.Tests;

// cert-manager.io/v1 objects the chart renders, modelled after cert-manager's API types (the fields the chart may use),
// so they parse as strictly as the built-in kinds do: a misspelt field is an error, not a silently ignored key.

public sealed class CertManagerObject<TSpec> : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public TSpec Spec { get; set; } = default!;
}

public sealed class CertificateSpec
{
    public string SecretName { get; set; } = "";

    public string? CommonName { get; set; }

    public List<string>? DnsNames { get; set; }

    public List<string>? IpAddresses { get; set; }

    public string? Duration { get; set; }

    public string? RenewBefore { get; set; }

    public bool? IsCA { get; set; }

    public List<string>? Usages { get; set; }

    public IssuerRef IssuerRef { get; set; } = new();

    public PrivateKey? PrivateKey { get; set; }

    public Dictionary<string, object>? SecretTemplate { get; set; }
}

public sealed class IssuerRef
{
    public string Name { get; set; } = "";

    public string? Kind { get; set; }

    public string? Group { get; set; }
}

public sealed class PrivateKey
{
    public string? Algorithm { get; set; }

    public int? Size { get; set; }

    public string? Encoding { get; set; }

    public string? RotationPolicy { get; set; }
}

public sealed class IssuerSpec
{
    public Dictionary<string, object>? SelfSigned { get; set; }

    public CaIssuer? Ca { get; set; }

    public AcmeIssuer? Acme { get; set; }
}

public sealed class CaIssuer
{
    public string SecretName { get; set; } = "";
}

public sealed class AcmeIssuer
{
    public string Server { get; set; } = "";

    public string? Email { get; set; }

    public SecretKeySelector PrivateKeySecretRef { get; set; } = new();

    public List<AcmeSolver> Solvers { get; set; } = [];

    public string? PreferredChain { get; set; }

    public string? Profile { get; set; }
}

public sealed class SecretKeySelector
{
    public string Name { get; set; } = "";

    public string? Key { get; set; }
}

public sealed class AcmeSolver
{
    public SolverSelector? Selector { get; set; }

    public Dns01Solver? Dns01 { get; set; }
}

public sealed class SolverSelector
{
    public List<string>? DnsZones { get; set; }

    public List<string>? DnsNames { get; set; }

    public Dictionary<string, string>? MatchLabels { get; set; }
}

public sealed class Dns01Solver
{
    public string? CnameStrategy { get; set; }

    public WebhookSolver? Webhook { get; set; }
}

public sealed class WebhookSolver
{
    public string GroupName { get; set; } = "";

    public string SolverName { get; set; } = "";

    /// <summary>Forwarded verbatim to the webhook as request.config: any YAML.</summary>
    public Dictionary<string, object>? Config { get; set; }
}
