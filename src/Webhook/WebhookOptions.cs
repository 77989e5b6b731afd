using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Webhook;

/// <summary>Process settings: section <c>Webhook</c>, flags <c>--group-name</c>, <c>--solver-name</c>, ... (see Program.cs).</summary>
internal sealed class WebhookOptions
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
}

[OptionsValidator]
internal sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>;
