using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Webhook;

/// <summary>Process settings: section <c>Webhook</c>, flags <c>--group-name</c>, <c>--solver-name</c>, ... (the flag table is in Flags.cs).</summary>
internal sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Webhook";

    /// <summary>The API group cert-manager's Issuers name in <c>webhook.groupName</c>.</summary>
    [Required(ErrorMessage = "the group name is required: pass --group-name or set GROUP_NAME")]
    [RegularExpression(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$",
        ErrorMessage = "the group name must be a DNS subdomain such as acme.example.com")]
    public string GroupName { get; set; } = "";

    /// <summary>The resource Issuers name in <c>webhook.solverName</c>.</summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", ErrorMessage = "the solver name must be a DNS label such as pdns")]
    public string SolverName { get; set; } = "pdns";

    /// <summary>Read API keys from <c>DIR/&lt;namespace&gt;/&lt;name&gt;/&lt;key&gt;</c> instead of Kubernetes Secrets.</summary>
    public string? SecretsDir { get; set; }

    /// <summary>A kubeconfig file; without it, the in-cluster service account or <c>KUBECONFIG</c>.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>
    /// Where the write locks shared by replicas live: one Lease per PowerDNS server and zone. Empty: writes are
    /// serialised inside this process only, which is enough for one replica.
    /// </summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", ErrorMessage = "--lease-namespace must be a namespace name such as cert-manager")]
    public string? LeaseNamespace { get; set; }

    /// <summary>How long a Lease stays held without renewal (renewed every third of it): how long a crashed replica blocks the others.</summary>
    [Range(1, 60)]
    public int LeaseDurationSeconds { get; set; } = 10;

    /// <summary>
    /// Where Issuers' 'host' may point (host, host:port, *.domain[:port], comma-separated; see Issuers/HostAllowList.cs),
    /// checked before any Secret is read. Empty allows any host: the chart sets it to the PowerDNS it knows.
    /// </summary>
    public string? AllowedHosts { get; set; }

    /// <summary>HTTPS port; 8443 so the container needs no privilege (the Service maps 443 to it).</summary>
    [Range(0, 65535)]
    public int SecurePort { get; set; } = 8443;

    /// <summary>The address to listen on; all interfaces when empty.</summary>
    public string? BindAddress { get; set; }

    /// <summary>PEM serving certificate (with chain) and key; reloaded when they change. Self-signed for localhost when empty.</summary>
    public string? TlsCertFile { get; set; }

    public string? TlsPrivateKeyFile { get; set; }

    /// <summary>
    /// The front-proxy CA and client CA settings, as kube-apiserver publishes them in kube-system/extension-apiserver-authentication.
    /// Given as files and comma-separated lists (outside a cluster), they replace that ConfigMap.
    /// </summary>
    public string? RequestHeaderClientCaFile { get; set; }

    public string? RequestHeaderAllowedNames { get; set; }

    public string RequestHeaderUsernameHeaders { get; set; } = "X-Remote-User";

    public string RequestHeaderGroupHeaders { get; set; } = "X-Remote-Group";

    public string RequestHeaderExtraHeadersPrefix { get; set; } = "X-Remote-Extra-";

    public string? ClientCaFile { get; set; }

    /// <summary>How often the authentication configuration is re-read, so rotated CAs apply without a restart.</summary>
    [Range(1, 3600)]
    public int AuthenticationRefreshSeconds { get; set; } = 10;

    /// <summary><c>Delegated</c> (SubjectAccessReview) or <c>AllowAuthenticated</c> (any authenticated user; the CA is the trust boundary).</summary>
    [RegularExpression("^(Delegated|AllowAuthenticated)$", ErrorMessage = "--authorization-mode must be Delegated or AllowAuthenticated")]
    public string AuthorizationMode { get; set; } = "Delegated";

    /// <summary><c>json</c> (one object per line; the default in a container) or <c>text</c>.</summary>
    [RegularExpression("^(json|text)$", ErrorMessage = "--log-format must be json or text")]
    public string? LogFormat { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Issuers.HostAllowList.Problem(AllowedHosts) is { } problem ? [new ValidationResult(problem, [nameof(AllowedHosts)])] : [];

    /// <summary>True when the authentication settings come from flags rather than the cluster's ConfigMap.</summary>
    public bool AuthenticationFromFiles => RequestHeaderClientCaFile is { Length: > 0 } || ClientCaFile is { Length: > 0 };
}

[OptionsValidator]
internal sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>;
