using Webhook.Challenges;

namespace Webhook;

/// <summary>Every log line of the webhook. None carries a key, a Secret or a whole Issuer config.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Action} of TXT at {Fqdn} in zone {Zone} done with {Strategy} in {ElapsedMs:0} ms")]
    public static partial void Solved(ILogger logger, ChallengeAction? action, string fqdn, string zone, EditStrategy strategy, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Action} of TXT at {Fqdn} failed after {ElapsedMs:0} ms")]
    public static partial void Failed(ILogger logger, ChallengeAction? action, string fqdn, double elapsedMs, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving certificate reloaded from {File}: {Subject}, valid until {NotAfter}")]
    public static partial void ServingCertificateLoaded(ILogger logger, string file, string subject, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Serving certificate {File} changed but cannot be loaded; still serving the previous one")]
    public static partial void ServingCertificateUnreadable(ILogger logger, string file, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Authentication configuration cannot be read; keeping the last good one, if any")]
    public static partial void AuthenticationConfigUnreadable(ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SubjectAccessReview failed")]
    public static partial void AccessReviewFailed(ILogger logger, Exception? exception);
}
