using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Kaito.Webhooks;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kaito.WebhookBench;

/// <summary>HTTPS Kestrel servers on 127.0.0.1, configured as OperatorHost configures the webhook port.</summary>
static class BenchServers
{
    /// <summary>What a do-nothing webhook answers: the floor for HTTP + TLS + Kestrel on this machine.</summary>
    static readonly byte[] BareResponse =
        """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"bench","allowed":true}}"""u8.ToArray();

    /// <summary>The real endpoints: MapWebhooks over an AdmissionHandler with default settings and no cluster.</summary>
    public static Task<(WebApplication App, Uri Address)> StartWebhooksAsync(X509Certificate2 certificate) =>
        StartAsync(certificate, builder => builder.Services.AddSingleton(sp =>
                new AdmissionHandler(new AdmissionSettings(), null, sp.GetRequiredService<ILogger<AdmissionHandler>>())),
            app => app.MapWebhooks());

    /// <summary>The leanest endpoint: a plain RequestDelegate that ignores the body and writes fixed bytes; beside it, the stages of a review (<see cref="StageEndpoints"/>).</summary>
    public static Task<(WebApplication App, Uri Address)> StartBareAsync(X509Certificate2 certificate) =>
        StartAsync(certificate, _ => { },
            app =>
            {
                app.MapPost("/bare", context =>
                {
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength = BareResponse.Length;
                    return context.Response.Body.WriteAsync(BareResponse).AsTask();
                });
                StageEndpoints.Map(app, BareResponse);
            });

    static async Task<(WebApplication, Uri)> StartAsync(X509Certificate2 certificate, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = WebhookEndpoints.MaxRequestBytes;
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
            {
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                https.ServerCertificateSelector = (_, _) => certificate;
            }));
        });
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return (app, new Uri(address));
    }
}
