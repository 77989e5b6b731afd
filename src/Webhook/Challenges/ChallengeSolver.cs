using System.Net;
using System.Text.RegularExpressions;
using PowerDnsClient;
using Webhook.CertManager;
using Webhook.Editing;
using Webhook.Issuers;
using Webhook.Observability;
using Webhook.Secrets;

namespace Webhook.Challenges;

/// <summary>
/// Present and CleanUp, independent of HTTP. Present adds the value unless present; CleanUp removes only its value and
/// succeeds when it is already gone. Every failure becomes <c>success:false</c> with a message for the Challenge status.
/// </summary>
internal sealed partial class ChallengeSolver(ApiKeys apiKeys, HostAllowList allowedHosts, PowerDnsServers servers, WebhookMetrics metrics, TimeProvider time, ILogger<ChallengeSolver> logger)
{
    /// <summary>Well inside the Go framework's 34 s, so cert-manager reads our message rather than a 504.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(25);

    /// <summary>Solves <paramref name="request"/>; <paramref name="solve"/> stops pending once its edit is queued, or when this ends.</summary>
    public async Task<ChallengeResponse> SolveAsync(ChallengeRequest request, PendingSolves.Solve solve, CancellationToken aborted)
    {
        using var pendingUntilQueued = solve;
        using var deadline = new CancellationTokenSource(Deadline, time);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(aborted, deadline.Token);
        var started = time.GetTimestamp();
        try
        {
            var config = SolverConfig.Parse(request.Config);
            var edit = Edit(request, config.Ttl);
            config.EnsureAllows(edit.Name);   // before the Secret is read or PowerDNS is called
            allowedHosts.EnsureAllows(config);
            var (zone, strategy) = await EditAsync(request.ResourceNamespace, config, edit, solve, both.Token);
            var elapsed = time.GetElapsedTime(started);
            metrics.Solved(request.Action, success: true, elapsed);
            Log.Solved(logger, request.Action, edit.Name, zone, strategy, elapsed.TotalMilliseconds);
            return ChallengeResponse.Succeeded(request.Uid);
        }
        catch (Exception e) when (!aborted.IsCancellationRequested || e is SolverException)   // a stale instance is reported even when the caller cut the call short
        {
            // A SolverException at the deadline says what was still missing (an instance still serving the old set).
            var reason = deadline.IsCancellationRequested
                ? $"did not finish within {Deadline.TotalSeconds:0} s{(e is SolverException ? $": {e.Message}" : "")} (the change may still apply; retrying is safe)"
                : e is PowerDnsException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden }
                    ? $"{e.Message} (PowerDNS refused the API key: make the Secret named by 'apiKeySecretRef' hold PowerDNS's api-key)"
                    : e.Message;
            var elapsed = time.GetElapsedTime(started);
            metrics.Solved(request.Action, success: false, elapsed);
            Log.Failed(logger, request.Action, request.ResolvedFqdn, elapsed.TotalMilliseconds, reason, e);
            return ChallengeResponse.Failed(request.Uid, $"{request.Action} of TXT at '{request.ResolvedFqdn}' failed: {reason}");
        }
    }

    // With the kept API key; when PowerDNS refuses it, once more with the Secret's key of now, if that is another one.
    private async Task<(string Zone, EditStrategy Strategy)> EditAsync(string @namespace, SolverConfig config, TxtEdit edit, PendingSolves.Solve solve, CancellationToken cancellationToken)
    {
        var apiKey = await apiKeys.GetAsync(@namespace, config.ApiKeySecretRef, cancellationToken);
        var edited = servers.EditAsync(config, apiKey, edit, solve, cancellationToken);
        await ((Task)edited).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // inspect the failure: the refusal below, else rethrown
        if (edited.Exception?.InnerException is PowerDnsException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden }
            && await apiKeys.GetAfterRefusalAsync(@namespace, config.ApiKeySecretRef, apiKey, cancellationToken) is { } current && current != apiKey)
        {
            return await servers.EditAsync(config, current, edit, solve, cancellationToken);
        }

        return await edited;
    }

    private static TxtEdit Edit(ChallengeRequest request, int ttl) =>
        new(DnsName.Normalize(request.ResolvedFqdn) ?? throw new SolverException($"request.resolvedFQDN '{request.ResolvedFqdn}' is not a DNS name"),
            TxtValue().IsMatch(request.Key) ? request.Key
                : throw new SolverException("request.key must be 1 to 255 printable ASCII characters without quotes or backslashes"),
            ttl,
            request.Action is ChallengeAction.Present);

    // ACME keys are 43 base64url characters; anything else printable is accepted, quoting-safe.
    [GeneratedRegex("""^[!#-\[\]-~]{1,255}$""")]
    private static partial Regex TxtValue();
}
