using Microsoft.AspNetCore.Authorization;

namespace Webhook.Security;

/// <summary>The one authorization requirement: the apiserver framework's union of system:masters, then the mode's decision.</summary>
internal sealed class KubernetesAccess : IAuthorizationRequirement;
