using Microsoft.AspNetCore.Authorization;

namespace Webhook.Security;

/// <summary>The SubjectAccessReview itself failed: the answer is 500, not 403, as the Go server's.</summary>
internal sealed class AccessReviewUnavailable(IAuthorizationHandler handler, string message) : AuthorizationFailureReason(handler, message);
