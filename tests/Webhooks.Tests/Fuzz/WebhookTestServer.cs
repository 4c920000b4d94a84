using System.Net;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kaito.Webhooks.Tests.Fuzz;

/// <summary>The real webhook endpoints on Kestrel (plain HTTP, 127.0.0.1, a free port), limits as in the operator.</summary>
public sealed class WebhookTestServer : IAsyncDisposable
{
    readonly WebApplication app;

    WebhookTestServer(WebApplication app, Uri baseAddress, CapturingLoggerProvider logs)
    {
        this.app = app;
        BaseAddress = baseAddress;
        Logs = logs;
    }

    public Uri BaseAddress { get; }

    public CapturingLoggerProvider Logs { get; }

    public static async Task<WebhookTestServer> StartAsync()
    {
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton(sp => new AdmissionHandler(new AdmissionSettings(), null, sp.GetRequiredService<ILogger<AdmissionHandler>>()));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = WebhookEndpoints.MaxRequestBytes;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.MapWebhooks();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new WebhookTestServer(app, new Uri(address), logs);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
