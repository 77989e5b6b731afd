using Microsoft.Extensions.Options;
using Webhook;
using Webhook.Api;
using Webhook.Challenges;
using Webhook.Hook;
using Webhook.Issuers;
using Webhook.Observability;
using Webhook.Secrets;
using Webhook.Security;

// As a DNS-01 hook of lego, dehydrated or certbot: the same solver, no server.
if (HookCall.Parse(args, Environment.GetEnvironmentVariable) is { } calls)
{
    return await HookMode.RunAsync(calls, args);
}

if (Flags.Unknown(args) is { Count: > 0 } unknown)
{
    await Console.Error.WriteLineAsync($"pdns-webhook: unknown flag(s) {string.Join(", ", unknown)}; see the README's flag table");
    return 2;
}

// appsettings.json sits beside the binary, wherever it is started from.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddWebhookFlags(args);   // --group-name, GROUP_NAME, --solver-name, --secrets-dir, --kubeconfig
builder.Services.AddOptionsWithValidateOnStart<WebhookOptions, WebhookOptionsValidator>().BindConfiguration(WebhookOptions.Section);
builder.Services.ConfigureHttpJsonOptions(WebhookJsonContext.Configure);
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);   // so ErrorStatus can answer a Status
builder.Services.AddExceptionHandler<ErrorStatus>().AddProblemDetails();
builder.AddObservability();                         // JSON logs in containers, OpenTelemetry metrics
// Let solves in flight finish on SIGTERM: each is bounded by its deadline.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ChallengeSolver.Deadline + TimeSpan.FromSeconds(5));
builder.AddServing();                               // HTTPS on --secure-port, certificate reloaded when its files change
builder.Services.AddAggregatedApiSecurity();        // front-proxy certificate + X-Remote-*, then SubjectAccessReview

builder.Services.AddSecretSource();                 // Kubernetes Secrets, or files under --secrets-dir
builder.Services.AddSingleton(sp => HostAllowList.Parse(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowedHosts));
builder.Services.AddChallengeSolver();              // the same solver core as hook mode
builder.Services.AddHostedService<BuiltBeforeServing>();   // the solver and the Kubernetes client, before the first request
builder.Services.AddHealthChecks().AddCheck<AuthenticationConfigSource>("authentication-config", tags: ["ready"]);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages(ErrorStatus.EmptyAnswerAsync);   // Kestrel's own 413 for a body over 3 MiB, as a Status
app.CountPendingSolves();                           // so a write waits briefly for the solves of a burst still being read
app.MapHealthChecks("/healthz").AllowAnonymous();
app.MapHealthChecks("/livez", new() { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/readyz").AllowAnonymous();
app.MapPrometheusScrapingEndpoint();                // authorized like every path: system:masters or a SubjectAccessReview
app.MapSolverApi();
return await app.RunToExitCodeAsync();              // 1 and one line naming the cause when the start fails
