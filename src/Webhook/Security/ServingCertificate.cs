using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Webhook.Security;

/// <summary>
/// The certificate Kestrel serves. Loaded from <c>--tls-cert-file</c>/<c>--tls-private-key-file</c> at start (a bad
/// pair stops the start), then re-read when the files change, because cert-manager rotates the mounted Secret; a
/// half-written pair keeps the previous certificate. Self-signed for localhost when no files are given.
/// Handshakes take it with its chain built once per load (SslStream builds it on every connection when handed a bare
/// certificate), and the first build, which loads the system trust store, runs beside the rest of the start: it was
/// 50 to 80 ms of the NativeAOT build's first handshake, and so of its time to ready.
/// </summary>
internal sealed class ServingCertificate : BackgroundService
{
    private readonly (string Certificate, string Key)? _files;
    private readonly TimeProvider _time;
    private readonly ILogger<ServingCertificate> _logger;
    private (DateTime, DateTime) _loadedStamps;

    public ServingCertificate(IOptions<WebhookOptions> options, TimeProvider time, ILogger<ServingCertificate> logger)
    {
        (_time, _logger) = (time, logger);
        if (options.Value is { TlsCertFile: { Length: > 0 } certificate, TlsPrivateKeyFile: { Length: > 0 } key })
        {
            _files = (certificate, key);
            _loadedStamps = Stamps(_files.Value);
        }

        // Read here, so that a bad pair stops the start; only the chain is built on the side.
        var served = _files is { } files ? Load(files) : SelfSigned(time.GetUtcNow());
        Current = Task.Run(() => Context(served));
    }

    public Task<SslStreamCertificateContext> Current { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_files is not { } files)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        // Stopping ends the loop instead of throwing: when the start fails, the host reports a canceled loop as a failure.
        using var stop = stoppingToken.Register(timer.Dispose);
        while (await timer.WaitForNextTickAsync(CancellationToken.None))
        {
            var stamps = Stamps(files);
            if (stamps == _loadedStamps)
            {
                continue;
            }

            var load = Task.Run(() => Context(Load(files)), stoppingToken);
            await ((Task)load).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // inspect the failure: keep serving the old pair
            _loadedStamps = stamps;
            if (load.IsCompletedSuccessfully)
            {
                Current = load;
                Log.ServingCertificateLoaded(_logger, files.Certificate, load.Result.TargetCertificate.Subject, load.Result.TargetCertificate.NotAfter);
            }
            else
            {
                Log.ServingCertificateUnreadable(_logger, files.Certificate, load.Exception?.InnerException);
            }
        }
    }

    private static (DateTime, DateTime) Stamps((string Certificate, string Key) files) =>
        (File.GetLastWriteTimeUtc(files.Certificate), File.GetLastWriteTimeUtc(files.Key));

    private static X509Certificate2 Load((string Certificate, string Key) files) => X509Certificate2.CreateFromPemFile(files.Certificate, files.Key);

    // Offline: the chain comes from the system store alone, never from downloads a pod may have no route for.
    private static SslStreamCertificateContext Context(X509Certificate2 certificate) =>
        SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);

    // What the Go server does without files: a certificate the aggregator will not trust, but probes and local tries work.
    private static X509Certificate2 SelfSigned(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
    }
}
