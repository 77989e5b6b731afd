using Webhook.Challenges;

namespace Webhook;

/// <summary>Every log line of the webhook. None carries a key, a Secret or a whole Issuer config.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Action} of TXT at {Fqdn} in zone {Zone} done with {Strategy} in {ElapsedMs:0} ms")]
    public static partial void Solved(ILogger logger, ChallengeAction? action, string fqdn, string zone, EditStrategy strategy, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Action} of TXT at {Fqdn} failed after {ElapsedMs:0} ms")]
    public static partial void Failed(ILogger logger, ChallengeAction? action, string fqdn, double elapsedMs, Exception exception);
}
