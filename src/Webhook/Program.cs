using PowerDnsClient;
using Webhook;
using Webhook.Api;
using Webhook.Challenges;
using Webhook.Secrets;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Configuration.AddWebhookFlags(args);   // --group-name, GROUP_NAME, --solver-name, --secrets-dir, --kubeconfig
builder.Services.AddOptionsWithValidateOnStart<WebhookOptions, WebhookOptionsValidator>().BindConfiguration(WebhookOptions.Section);
builder.Services.ConfigureHttpJsonOptions(WebhookJsonContext.Configure);
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);   // so ErrorStatus can answer a Status
builder.Services.AddExceptionHandler<ErrorStatus>().AddProblemDetails();
builder.Services.AddSingleton(TimeProvider.System);

builder.Services.AddSecretSource();
builder.Services.AddPowerDnsClient();
builder.Services.AddSingleton<PowerDnsServers>();
builder.Services.AddSingleton<ChallengeSolver>();
builder.Services.AddHealthChecks();

var app = builder.Build();
app.UseExceptionHandler();
app.MapHealthChecks("/healthz");
app.MapHealthChecks("/readyz");
app.MapHealthChecks("/livez");
app.MapSolverApi();
app.Run();
