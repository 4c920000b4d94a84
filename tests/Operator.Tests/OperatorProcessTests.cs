using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Testing;

namespace Kaito.Operator.Tests;

/// <summary>The operator host against the real local control plane: certificate Secret, TLS, health, admission.</summary>
public sealed class OperatorProcessTests
{
    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Operator_creates_its_certificate_serves_tls_and_answers_admission_reviews()
    {
        var plane = await ControlPlane.GetAsync();
        await using var ns = await plane.CreateNamespaceAsync("operator");
        var (webhookPort, healthPort) = (FreePort(), FreePort());
        // Registration is off: this test must not redirect the shared cluster's webhooks to itself.
        await using var app = OperatorHost.Build([
            "--kubeconfig", plane.KubeconfigPath, "--bind-address", "127.0.0.1", "--namespace", ns.Name,
            "--webhook-port", webhookPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--health-port", healthPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--register-webhooks", "false", "--reconcilers", "false"]);
        await app.StartAsync();
        using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}") };

        HttpResponseMessage ready;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            ready = await health.GetAsync(new Uri("/readyz", UriKind.Relative));
            if (ready.IsSuccessStatusCode) break;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var secret = await plane.Client.CoreV1.ReadNamespacedSecretAsync("kaito-webhook-cert", ns.Name);
        var caPem = Encoding.UTF8.GetString(secret.Data["ca.crt"]);
        using var ca = X509Certificate2.CreateFromPem(caPem);

        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{webhookPort}") };
        const string review = """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"abc-123",
             "kind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},"operation":"CREATE","name":"w",
             "object":{"apiVersion":"kaito.sh/v1beta1","kind":"Workspace","metadata":{"name":"w"},
               "resource":{"labelSelector":{"matchLabels":{"a":"b"}}},"inference":{"preset":{"name":"phi-4"},
               "adapters":[{"source":{"name":"a","image":"r.io/a:1"}}]}}}}
            """;

        var response = await https.PostAsync(new Uri("/mutate/workspace.kaito.sh", UriKind.Relative), new StringContent(review, Encoding.UTF8, "application/json"));
        var garbage = await https.PostAsync(new Uri("/validate/workspace.kaito.sh", UriKind.Relative), new StringContent("{not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("abc-123", body["response"]!["uid"]!.GetValue<string>());
        Assert.True(body["response"]!["allowed"]!.GetValue<bool>());
        var patch = Encoding.UTF8.GetString(Convert.FromBase64String(body["response"]!["patch"]!.GetValue<string>()));
        Assert.Contains("\"path\":\"/inference/adapters/0/strength\"", patch, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await health.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);

        // Through a Service the API server names the Service's port (443) in the Host header: still answered. On the
        // plain-HTTP health port the webhook paths do not exist.
        using var viaService = new HttpRequestMessage(HttpMethod.Post, new Uri("/mutate/workspace.kaito.sh", UriKind.Relative))
        {
            Content = new StringContent(review, Encoding.UTF8, "application/json"),
        };
        viaService.Headers.Host = "kaito-workspace.kaito-system.svc:443";
        Assert.Equal(HttpStatusCode.OK, (await https.SendAsync(viaService)).StatusCode);
        var onHealthPort = await health.PostAsync(new Uri("/mutate/workspace.kaito.sh", UriKind.Relative), new StringContent(review, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, onHealthPort.StatusCode);
        await app.StopAsync();
    }

    [Theory]
    [InlineData(new[] { "--node-provisioner", "karpenterish" }, "--node-provisioner must be gpu-provisioner, karpenter or byo")]
    [InlineData(new[] { "--cloud", "gcp" }, "--cloud must be one of azure, aws, arc")]
    [InlineData(new[] { "--feature-gates", "vLLM=maybe" }, "must be name=true or name=false")]
    [InlineData(new[] { "--feature-gates", "warpDrive=true" }, "unknown gate \"warpDrive\"")]
    [InlineData(new[] { "--webhook-port", "99999" }, "--webhook-port must be a port number")]
    [InlineData(new[] { "--workers", "0" }, "--workers must be a number of reconcile workers")]
    [InlineData(new[] { "--controllers", "workspace,jobs" }, "--controllers must list workspace, ragengine and/or inferenceset")]
    [InlineData(new[] { "--inferenceset-scale-down-cooldown", "soon" }, "--inferenceset-scale-down-cooldown must be a duration such as 120s, 5m or 0s")]
    [InlineData(new[] { "--log-format", "xml" }, "--log-format must be json or text")]
    [InlineData(new[] { "--rag-image", "Not An Image" }, "--rag-image \"Not An Image\" is not an image reference")]
    [InlineData(new[] { "--preset-registry", "https://mirror.example.com" }, "--preset-registry \"https://mirror.example.com\" is not a registry name: give the host and path without a scheme")]
    [InlineData(new[] { "--preset-registry", "Mirror.example.com/KAITO" }, "--preset-registry \"Mirror.example.com/KAITO\" is not a registry name")]
    [InlineData(new[] { "--tuning-downloader-image", "curl latest" }, "--tuning-downloader-image \"curl latest\" is not an image reference")]
    [InlineData(new[] { "--tuning-pusher-image", "Crane:debug" }, "--tuning-pusher-image \"Crane:debug\" is not an image reference")]
    [InlineData(new[] { "--adapter-base-image", "" }, "--adapter-base-image \"\" is not an image reference")]
    [InlineData(new[] { "--insecure-registries", "http://registry.local:5000" }, "--insecure-registries: \"http://registry.local:5000\" is not a registry host")]
    [InlineData(new[] { "--insecure-registries", "registry.local:5000/team" }, "--insecure-registries: \"registry.local:5000/team\" is not a registry host")]
    [InlineData(new[] { "--keda-scaler-address", "keda-kaito-scaler" }, "--keda-scaler-address must be host:port")]
    [InlineData(new[] { "--register-webhooks", "sometimes" }, "--register-webhooks must be true, ca-bundle or false")]
    [InlineData(new[] { "--shutdown-delay", "forever" }, "--shutdown-delay must be whole seconds (0-60, e.g. 5s)")]
    public void Bad_flags_fail_at_startup_with_the_reason(string[] args, string expected)
    {
        var error = Assert.Throws<OptionsException>(() => OperatorHost.Build(args));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
