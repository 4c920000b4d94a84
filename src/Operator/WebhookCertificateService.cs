using System.Net;
using k8s;
using Kaito.Webhooks.Certificates;

namespace Kaito.Operator;

/// <summary>
/// Keeps the serving certificate current (self-managed Secret, or files from cert-manager) and the
/// webhook configurations' caBundle in step with it.
/// </summary>
public sealed partial class WebhookCertificateService(
    OperatorOptions options, IKubernetes client, ServingCertificate serving, OperatorReadiness readiness,
    ILoggerFactory loggers, ILogger<WebhookCertificateService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var registrar = new WebhookRegistrar(client, options.WebhookUrl is { } url
            ? new WebhookEndpoint(BaseUrl: url)
            : new WebhookEndpoint(ServiceName: options.WebhookService, ServiceNamespace: options.Namespace, ServicePort: 443))
        {
            ConfigurationPrefix = options.WebhookConfigPrefix,
            Kinds = [.. Kaito.Webhooks.Admission.AdmissionKind.All.Where(k => k.Kind switch
            {
                "Workspace" => options.WorkspaceController,
                "RAGEngine" => options.RAGEngineController,
                _ => options.InferenceSetController,
            })],
            ExcludedNamespaces = ["kube-system", options.Namespace],
        };
        var files = options.CertDirectory is { } dir ? new FileCertificateSource(dir) : null;
        var secret = files is null ? SecretSource() : null;
        string? registeredCa = null;
        CertificateBundle? unserved = null;
        var registration = options.RegisterWebhooks;

        while (!stoppingToken.IsCancellationRequested)
        {
            // The chart's configurations can be replaced under us (helm upgrade --force, a new webhook): look again often.
            var delay = files is not null ? TimeSpan.FromSeconds(10)
                : registration == WebhookRegistration.CaBundle ? TimeSpan.FromSeconds(30) : TimeSpan.FromHours(1);
            try
            {
                unserved = (files is not null ? files.ReadIfChanged() : await secret!.EnsureAsync(stoppingToken)) ?? unserved;
                // The CAs go to the API server before a certificate they sign is served: a certificate from a new CA is
                // never presented to an API server that does not trust it yet.
                if ((unserved ?? serving.Bundle) is { } bundle)
                {
                    if (registration == WebhookRegistration.Full && bundle.CaPem != registeredCa)
                    {
                        await registrar.RegisterAsync(bundle.CaPem, stoppingToken);
                        registeredCa = bundle.CaPem;
                        LogRegistered(logger, options.WebhookUrl ?? $"service {options.Namespace}/{options.WebhookService}");
                    }
                    else if (registration == WebhookRegistration.CaBundle)
                    {
                        if (await registrar.InjectCaBundleAsync(bundle.CaPem, stoppingToken) > 0)
                            LogCaInjected(logger, registrar.MutatingName, registrar.ValidatingName);
                        registeredCa = bundle.CaPem;
                    }
                    if (unserved is not null && serving.Use(unserved))
                        LogServing(logger, unserved.Serial, unserved.NotAfter);
                    unserved = null;
                }
                readiness.WebhooksReady = serving.IsLoaded && (registration == WebhookRegistration.None || registeredCa is not null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCertificateFailure(logger, e);
                delay = TimeSpan.FromSeconds(5);
            }
            await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    SecretCertificateSource SecretSource()
    {
        var service = options.WebhookService;
        var ns = options.Namespace;
        string[] names = [service, $"{service}.{ns}", $"{service}.{ns}.svc", $"{service}.{ns}.svc.cluster.local", "localhost"];
        return new SecretCertificateSource(client, ns, options.CertSecret, names, [IPAddress.Loopback, IPAddress.IPv6Loopback],
            loggers.CreateLogger<SecretCertificateSource>());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "webhook configurations registered for {Endpoint}")]
    static partial void LogRegistered(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "CA bundle written into webhook configurations {Mutating} and {Validating}")]
    static partial void LogCaInjected(ILogger logger, string mutating, string validating);

    [LoggerMessage(Level = LogLevel.Information, Message = "serving webhook certificate {Serial}, valid until {NotAfter}")]
    static partial void LogServing(ILogger logger, string serial, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook certificate or registration failed; retrying in 5s")]
    static partial void LogCertificateFailure(ILogger logger, Exception exception);
}

/// <summary>What /readyz reports.</summary>
public sealed class OperatorReadiness
{
    public volatile bool WebhooksReady;

    /// <summary>Set on SIGTERM: /readyz fails so the Service stops routing here while the webhooks still answer.</summary>
    public volatile bool ShuttingDown;
}
