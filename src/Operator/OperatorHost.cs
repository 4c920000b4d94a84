using System.Net;
using System.Security.Authentication;
using k8s;
using Kaito.Webhooks;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Certificates;
using Kaito.Webhooks.Validation;

namespace Kaito.Operator;

/// <summary>
/// The operator process: HTTPS admission webhooks (TLS 1.2+, certificate swapped in place on rotation)
/// and plain-HTTP health endpoints on their own port. Reconcilers join in a later milestone.
/// </summary>
public static class OperatorHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        EnvironmentFlags.AddBeneath(builder.Configuration, Environment.GetEnvironmentVariables());
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var options = OperatorOptions.From(builder.Configuration);
        builder.Logging.ClearProviders();
        if (options.JsonLogs)
            builder.Logging.AddJsonConsole(json => { json.IncludeScopes = true; json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; json.UseUtcTimestamp = true; });
        else
            builder.Logging.AddSimpleConsole(text => { text.IncludeScopes = true; text.SingleLine = true; });
        // In-flight reconciles get the controller's grace (20 s) to finish before the host gives up.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));

        var serving = new ServingCertificate();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Admission);
        builder.Services.AddSingleton(serving);
        builder.Services.AddSingleton<OperatorReadiness>();
        builder.Services.AddSingleton<LeadershipHandover>();
        var counter = new ApiRequestCounter();
        builder.Services.AddSingleton(counter);
        var throttle = new ApiThrottle(options.ApiQps, options.ApiBurst);
        builder.Services.AddSingleton(throttle);
        var kubernetesConfig = new Lazy<KubernetesClientConfiguration>(() => KubernetesConfig(options));
        builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(kubernetesConfig.Value, throttle, counter));
        // Admission's own reads (a ConfigMap, a Secret, nodes) come at the API server's pace, one per review: they get a client
        // outside the reconcilers' budget (and their request counts), so a busy reconcile queue or a Retry-After pause never
        // holds up `kubectl apply`. (A handler serves one client only.)
        builder.Services.AddSingleton<IClusterLookup>(_ => new KubernetesClusterLookup(new Kubernetes(kubernetesConfig.Value)));
        builder.Services.AddSingleton<AdmissionHandler>();
        builder.Services.AddHostedService<WebhookCertificateService>();
        builder.Services.AddHostedService<ReconcilerService>();
        builder.Services.AddHostedService<ShutdownDelayService>();

        var bind = IPAddress.Parse(options.BindAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = WebhookEndpoints.MaxRequestBytes;
            kestrel.AddServerHeader = false;
            kestrel.Listen(bind, options.HealthPort);
            kestrel.Listen(bind, options.WebhookPort, listen => listen.UseHttps(https =>
            {
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                https.ServerCertificateSelector = (_, _) => serving.Certificate;
            }));
        });

        var app = builder.Build();
        app.UseMiddleware<DrainingConnections>();
        app.MapHealth();
        // By the port the connection came in on, not the Host header (through a Service it names port 443).
        app.MapGroup("").RequireLocalPort(options.WebhookPort).MapWebhooks();
        return app;
    }

    static KubernetesClientConfiguration KubernetesConfig(OperatorOptions options) =>
        options.Kubeconfig is { } path ? KubeconfigLoader.Load(path)
        : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
        : KubeconfigLoader.Load(null);
}
