using Webhook.CertManager;
using Webhook.Editing;

namespace Webhook;

/// <summary>Every log line of the webhook. None carries a key, a Secret or a whole Issuer config.</summary>
internal static partial class Log
{
    private static readonly Func<ILogger, string, IDisposable?> CorrelationScope = LoggerMessage.DefineScope<string>("CorrelationId:{CorrelationId}");

    /// <summary>A scope carrying the request's correlation id onto every line logged inside it.</summary>
    public static IDisposable? Correlation(ILogger logger, string correlationId) => CorrelationScope(logger, correlationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Action} of TXT at {Fqdn} in zone {Zone} done with {Strategy} in {ElapsedMs:0} ms: {Outcome}")]
    public static partial void Solved(ILogger logger, ChallengeAction? action, string fqdn, string zone, EditStrategy strategy, double elapsedMs, string outcome = "success");

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Action} of TXT at {Fqdn} failed after {ElapsedMs:0} ms: {Reason}")]
    public static partial void Failed(ILogger logger, ChallengeAction? action, string fqdn, double elapsedMs, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving certificate reloaded from {File}: {Subject}, valid until {NotAfter}")]
    public static partial void ServingCertificateLoaded(ILogger logger, string file, string subject, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Serving certificate {File} changed but cannot be loaded; still serving the previous one")]
    public static partial void ServingCertificateUnreadable(ILogger logger, string file, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Authentication configuration cannot be read; keeping the last good one, if any")]
    public static partial void AuthenticationConfigUnreadable(ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SubjectAccessReview failed")]
    public static partial void AccessReviewFailed(ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TokenReview failed")]
    public static partial void TokenReviewFailed(ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease} taken over from {Holder}, which had not renewed it for {SilentSeconds:0.0} s")]
    public static partial void LeaseTakenOver(ILogger logger, string lease, string holder, double silentSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease} lost during a write: now held by {Holder}; renewals did not reach the Kubernetes API in time")]
    public static partial void LeaseLost(ILogger logger, string lease, string? holder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease} not released; other replicas take it when it expires")]
    public static partial void LeaseNotReleased(ILogger logger, string lease, Exception? exception);
}
