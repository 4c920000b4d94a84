using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kaito.E2E.Tests;

/// <summary>
/// A fault-injecting HTTPS proxy between the operator and the API server (a test double of an overloaded or failing
/// control plane). It forwards every request, watches streamed, with the caller's own credentials; during a storm
/// (<see cref="FaultRatio"/> &gt; 0) that share of requests gets a 429 with Retry-After, a 500, a reset before the request
/// reaches the API server, or a reset after it did (the write happened, the answer is lost), and open watches are cut.
/// Its certificate is signed by the local cluster's CA, so the operator's in-cluster trust accepts it.
/// </summary>
public sealed class ApiFaultProxy : IAsyncDisposable
{
    public const string InjectedMarker = "injected by the fault proxy";
    static readonly string[] Faults = ["429", "500", "reset-before", "reset-after"];
    static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
        { "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host" };

    readonly WebApplication app;
    readonly HttpClient upstream;
    readonly Random random = new(20261203);
    readonly ConcurrentDictionary<HttpContext, byte> watches = new();
    double faultRatio;

    ApiFaultProxy(WebApplication app, HttpClient upstream, Uri address)
    {
        this.app = app;
        this.upstream = upstream;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Each request: when, its method and path, the status answered (0 for a reset) and the fault injected, if any.</summary>
    public ConcurrentQueue<ProxiedRequest> Requests { get; } = new();

    public sealed record ProxiedRequest(DateTime At, string Method, string Path, int Status, string? Fault)
    {
        public bool IsLease => Path.StartsWith("/apis/coordination.k8s.io/", StringComparison.Ordinal);
    }

    /// <summary>The share of requests that fail (0 passes everything). Raising it from 0 cuts every open watch.</summary>
    public double FaultRatio
    {
        get => Volatile.Read(ref faultRatio);
        set
        {
            Volatile.Write(ref faultRatio, value);
            if (value > 0)
                foreach (var watch in watches.Keys) watch.Abort();
        }
    }

    public static async Task<ApiFaultProxy> StartAsync(IPAddress address, Uri apiServer, string caCertificatePath, string caKeyPath)
    {
        using var ca = X509Certificate2.CreateFromPemFile(caCertificatePath, caKeyPath);
        var certificate = ServingCertificate(ca, address);
        var trust = X509CertificateLoader.LoadCertificate(ca.RawData);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && VerifiedBy(presented, trust) },
        };
        var client = new HttpClient(handler) { BaseAddress = apiServer, Timeout = Timeout.InfiniteTimeSpan };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(address, 0, listen => listen.UseHttps(certificate));
        });
        var app = builder.Build();
        ApiFaultProxy? proxy = null;
        app.Run(context => proxy!.HandleAsync(context));
        await app.StartAsync();
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        proxy = new ApiFaultProxy(app, client, bound);
        return proxy;
    }

    async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var isLease = path.StartsWith("/apis/coordination.k8s.io/", StringComparison.Ordinal);
        string? fault = null;
        lock (random)
        {
            if (!isLease && random.NextDouble() < FaultRatio) fault = Faults[random.Next(Faults.Length)];
        }
        void Record(int status) => Requests.Enqueue(new ProxiedRequest(DateTime.UtcNow, context.Request.Method, path, status, fault));

        switch (fault)
        {
            case "429":
                Record(429);
                context.Response.Headers.RetryAfter = "1";
                await WriteStatusAsync(context, 429, "TooManyRequests", $"too many requests ({InjectedMarker})");
                return;
            case "500":
                Record(500);
                await WriteStatusAsync(context, 500, "InternalError", $"internal error ({InjectedMarker})");
                return;
            case "reset-before":
                Record(0);
                context.Abort();
                return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), path + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            request.Content = new StreamContent(context.Request.Body);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values)) request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        var isWatch = context.Request.Query["watch"] is [var w] && (w == "true" || w == "1");
        if (isWatch) watches.TryAdd(context, 0);
        try
        {
            using var response = await upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            if (fault == "reset-after")
            {
                Record(0);
                context.Abort();
                return;
            }
            Record((int)response.StatusCode);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                if (!HopByHop.Contains(name)) context.Response.Headers[name] = values.ToArray();
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            var buffer = new byte[16384];
            int read;
            while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                if (isWatch) await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            context.Abort();
        }
        finally
        {
            if (isWatch) watches.TryRemove(context, out _);
        }
    }

    static Task WriteStatusAsync(HttpContext context, int code, string reason, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(
            $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}}""",
            Encoding.UTF8);
    }

    static X509Certificate2 ServingCertificate(X509Certificate2 ca, IPAddress address)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=kaito-api-fault-proxy", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(address);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), TestCertificates.Serial(8));
        // Kestrel needs the key exportable to the platform's TLS: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);
    }

    static bool VerifiedBy(X509Certificate presented, X509Certificate2 ca)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return TestCertificates.ChainsTo(certificate, ca);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var watch in watches.Keys) watch.Abort();
        await app.StopAsync();
        await app.DisposeAsync();
        upstream.Dispose();
    }
}
