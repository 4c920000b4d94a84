using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Kaito.Testing;
using Xunit.Abstractions;

namespace Kaito.E2E.Tests;

/// <summary>
/// The self-managed webhook certificates (the chart's default) changing under a steady stream of admissions, with two
/// replicas that each look at the Secret on their own schedule: a serving certificate renewed from the stored CA, an
/// older Secret without the CA's key getting a new CA next to the old one, and the next renewal coming from the new CA.
/// Not one admission may fail. It scales and restarts the operator, so `make test` runs it on its own (Category=Exclusive).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
[Trait("Category", "Exclusive")]
public sealed class CertificateRotationTests(ControlPlaneFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    const string Secret = LocalOperator.WorkspaceRelease + "-webhook-cert";
    static readonly TimeSpan Converge = TimeSpan.FromMinutes(2);

    ControlPlane Plane => fixture.Plane;

    public async Task InitializeAsync()
    {
        await Plane.EnsureOperatorAsync();
        Assert.True(LocalOperator.InCluster, "this test needs the operator in the cluster: run `make up` without KAITO_NODE=off");
    }

    bool patchedDeployment;

    public async Task DisposeAsync()
    {
        if (patchedDeployment)
        {
            // Back to the chart's pod template, and the self-managed CA back into the configurations (the restarted pod does it).
            await LocalOperator.UndoPatchAsync();
            await Plane.KubectlAsync(["delete", "secret", "kaito-workspace-cm-cert", "-n", LocalOperator.Namespace, "--ignore-not-found"]);
        }
        var restored = await LocalOperator.StartAsync();
        Assert.True(restored.Succeeded, restored.ToString());
    }

    sealed record Stored(string Trust, string? CaKey, string Certificate, string Key)
    {
        public string Serial => Parse(Certificate).SerialNumber;
    }

    [Fact]
    public async Task Renewals_and_a_new_ca_under_a_stream_of_admissions_fail_none()
    {
        var scaled = await LocalOperator.RestartAsync(new Dictionary<string, string> { ["KAITO_OPERATOR_REPLICAS"] = "2" });
        Assert.True(scaled.Succeeded, scaled.ToString());
        var pods = await Eventually.WaitAsync(async () => await LocalOperator.PodsAsync() is { Count: 2 } p && p.All(x => x.Ready) ? p : null,
            Converge, "two Ready operator pods");
        var start = await Eventually.WaitAsync(async () => await ReadAsync() is { CaKey: not null } s ? s : null, Converge, "the Secret to hold the CA's key");
        await CaBundleIsAsync(start.Trust);

        await using var ns = await Plane.CreateNamespaceAsync("cert-rotation");
        await using var stream = AdmissionStream.Start(Plane, ns.Name);

        // 1. The serving certificate nears its end (one from the stored CA with 10 days left, as if 80 days had passed):
        //    a replica renews it from the same CA, so the caBundle stays as it was.
        var near = Issue(FirstCa(start.Trust), start.CaKey!, start.Certificate, TimeSpan.FromDays(10));
        await WriteServingAsync(near);
        var renewed = await Eventually.WaitAsync(async () => await ReadAsync() is { } s && s.Serial != start.Serial && s.Serial != Parse(near.Certificate).SerialNumber ? s : null,
            Converge, "a replica to renew the certificate that nears its end");
        Assert.Equal(start.Trust, renewed.Trust);
        Assert.Equal(start.CaKey, renewed.CaKey);
        Assert.True(Verifies(renewed.Certificate, FirstCa(start.Trust)), "the renewed certificate does not chain to the stored CA");
        Assert.True(Parse(renewed.Certificate).NotAfter > DateTime.UtcNow.AddDays(80));
        await ServedByAllAsync(pods, renewed.Serial);
        await CaBundleIsAsync(start.Trust);

        // 2. A Secret as earlier versions wrote it, without the CA's key: a new CA is made and trusted next to the old one,
        //    while the certificate being served stays (the old CA still vouches for it).
        Assert.True((await Plane.KubectlAsync(["patch", "secret", Secret, "-n", LocalOperator.Namespace, "--type=json",
            "-p", """[{"op":"remove","path":"/data/ca.key"}]"""])).Succeeded);
        var migrated = await Eventually.WaitAsync(async () => await ReadAsync() is { CaKey: not null } s && s.Trust != renewed.Trust ? s : null,
            Converge, "a replica to make a new CA");
        var trusted = Cas(migrated.Trust);
        Assert.Equal(2, trusted.Count);
        Assert.Equal(FirstCa(start.Trust), trusted[1]);
        Assert.Equal(renewed.Certificate, migrated.Certificate);
        await CaBundleIsAsync(migrated.Trust);

        // 3. The next renewal (forced again with a certificate of the old CA that nears its end) comes from the new CA.
        var nearOld = Issue(FirstCa(start.Trust), start.CaKey!, start.Certificate, TimeSpan.FromDays(5));
        await WriteServingAsync(nearOld);
        var fromNewCa = await Eventually.WaitAsync(async () => await ReadAsync() is { } s && s.Serial != migrated.Serial && s.Serial != Parse(nearOld.Certificate).SerialNumber ? s : null,
            Converge, "a replica to renew from the new CA");
        Assert.True(Verifies(fromNewCa.Certificate, trusted[0]), "the renewal after the CA change does not chain to the new CA");
        Assert.Equal(migrated.Trust, fromNewCa.Trust);
        await ServedByAllAsync(pods, fromNewCa.Serial);

        await Task.Delay(TimeSpan.FromSeconds(5));
        await stream.StopAsync();
        output.WriteLine($"{stream.Admitted} Workspaces admitted during two renewals and a CA change on 2 replicas; {stream.Failures.Count} failed");
        Assert.True(stream.Admitted > 100, $"only {stream.Admitted} admissions ran");
        Assert.True(stream.Failures.Count == 0, $"{stream.Failures.Count} admissions failed, the first: {stream.Failures.FirstOrDefault()}");
    }

    /// <summary>
    /// The operator side of cert-manager mode: the serving pair mounted from a Secret (here the test plays cert-manager
    /// and its cainjector, with a CA of its own) and renewed in place from the same CA, as a CA Issuer does. The kubelet
    /// updates the mounted files, the operator picks them up, and not one admission fails meanwhile.
    /// </summary>
    [Fact]
    public async Task A_mounted_certificate_renewed_by_cert_manager_is_picked_up_with_no_failed_admission()
    {
        const string mounted = "kaito-workspace-cm-cert";
        var ca = CreateCa();
        var first = Issue(ca.Certificate, ca.Key, (await ReadAsync())!.Certificate, TimeSpan.FromDays(90));
        await Plane.KubectlOkAsync(["apply", "-n", LocalOperator.Namespace, "-f", "-"], TlsSecret(mounted, ca.Certificate, first));
        var patch = new JsonArray(
            new JsonObject { ["op"] = "add", ["path"] = "/spec/template/spec/volumes/-", ["value"] = new JsonObject { ["name"] = "cm-certs", ["secret"] = new JsonObject { ["secretName"] = mounted } } },
            new JsonObject { ["op"] = "add", ["path"] = "/spec/template/spec/containers/0/volumeMounts/-", ["value"] = new JsonObject { ["name"] = "cm-certs", ["mountPath"] = "/etc/kaito/cm-certs", ["readOnly"] = true } },
            new JsonObject { ["op"] = "add", ["path"] = "/spec/template/spec/containers/0/args/-", ["value"] = "--cert-dir=/etc/kaito/cm-certs" },
            new JsonObject { ["op"] = "add", ["path"] = "/spec/template/spec/containers/0/args/-", ["value"] = "--register-webhooks=false" });
        await LocalOperator.PatchDeploymentAsync(patch);
        patchedDeployment = true;
        // The previous pod keeps the self-managed caBundle current until it is gone: wait for that before taking over.
        await Eventually.WaitAsync(async () => (await Plane.GetJsonAsync("pods", "-n", LocalOperator.Namespace, "-l", $"app.kubernetes.io/instance={LocalOperator.WorkspaceRelease}"))["items"]!.AsArray().Count == 1,
            Converge, "the previous operator pod to be gone");
        // The cainjector's part: the test CA into every webhook of both configurations.
        foreach (var kind in new[] { "mutating", "validating" })
        {
            var name = $"{LocalOperator.WorkspaceRelease}-{kind}-webhooks";
            var count = (await Plane.KubectlOkAsync("get", $"{kind}webhookconfiguration", name, "-o", "jsonpath={.webhooks[*].name}")).StdOut.Trim().Split(' ').Length;
            var operations = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject
            {
                ["op"] = "add", ["path"] = $"/webhooks/{i}/clientConfig/caBundle", ["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(ca.Certificate)),
            })]);
            await Plane.KubectlOkAsync("patch", $"{kind}webhookconfiguration", name, "--type=json", "-p", operations.ToJsonString());
        }
        Assert.True((await LocalOperator.WaitForAdmissionAsync()).Succeeded, "the webhooks do not answer with the mounted certificate");
        var pods = await LocalOperator.PodsAsync();
        await ServedByAllAsync(pods, Parse(first.Certificate).SerialNumber);

        await using var ns = await Plane.CreateNamespaceAsync("cm-rotation");
        await using var stream = AdmissionStream.Start(Plane, ns.Name);
        var renewed = Issue(ca.Certificate, ca.Key, first.Certificate, TimeSpan.FromDays(90));
        await Plane.KubectlOkAsync(["apply", "-n", LocalOperator.Namespace, "-f", "-"], TlsSecret(mounted, ca.Certificate, renewed));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await ServedByAllAsync(pods, Parse(renewed.Certificate).SerialNumber, TimeSpan.FromMinutes(3));
        var pickedUp = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(5));
        await stream.StopAsync();

        output.WriteLine($"mounted certificate renewed: served {pickedUp.TotalSeconds:0} s after the Secret changed (the kubelet's volume sync, then the 10 s poll); " +
            $"{stream.Admitted} Workspaces admitted meanwhile, {stream.Failures.Count} failed");
        Assert.True(stream.Admitted > 50, $"only {stream.Admitted} admissions ran");
        Assert.True(stream.Failures.Count == 0, $"{stream.Failures.Count} admissions failed, the first: {stream.Failures.FirstOrDefault()}");
    }

    static string TlsSecret(string name, string caPem, (string Certificate, string Key) pair) => new JsonObject
    {
        ["apiVersion"] = "v1", ["kind"] = "Secret", ["type"] = "kubernetes.io/tls",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["stringData"] = new JsonObject { ["ca.crt"] = caPem, ["tls.crt"] = pair.Certificate, ["tls.key"] = pair.Key },
    }.ToJsonString();

    static (string Certificate, string Key) CreateCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=cert-manager-stand-in-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        return (ca.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    async Task<Stored?> ReadAsync()
    {
        var result = await Plane.KubectlAsync(["get", "secret", Secret, "-n", LocalOperator.Namespace, "-o", "json"]);
        if (!result.Succeeded) return null;
        var data = JsonNode.Parse(result.StdOut)!["data"]!;
        string? Get(string key) => data[key]?.GetValue<string>() is { } b64 ? Encoding.UTF8.GetString(Convert.FromBase64String(b64)) : null;
        return Get("ca.crt") is { } trust && Get("tls.crt") is { } certificate && Get("tls.key") is { } key ? new Stored(trust, Get("ca.key"), certificate, key) : null;
    }

    async Task WriteServingAsync((string Certificate, string Key) pair)
    {
        var patch = new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["tls.crt"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(pair.Certificate)),
                ["tls.key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(pair.Key)),
            },
        };
        await Plane.KubectlOkAsync("patch", "secret", Secret, "-n", LocalOperator.Namespace, "--type=merge", "-p", patch.ToJsonString());
    }

    /// <summary>Both webhook configurations trust exactly <paramref name="trust"/> (the operator injects it within its 30 s look).</summary>
    Task CaBundleIsAsync(string trust) => Eventually.WaitAsync(async () =>
    {
        foreach (var kind in new[] { "mutating", "validating" })
        {
            var bundle = (await Plane.KubectlAsync(["get", $"{kind}webhookconfiguration", $"{LocalOperator.WorkspaceRelease}-{kind}-webhooks",
                "-o", "jsonpath={.webhooks[*].clientConfig.caBundle}"])).StdOut.Trim().Split(' ');
            if (bundle.Any(b => Encoding.UTF8.GetString(Convert.FromBase64String(b)) != trust)) return false;
        }
        return true;
    }, Converge, "the webhook configurations' caBundle to be the Secret's ca.crt");

    /// <summary>Every operator pod logged that it serves <paramref name="serial"/> (each reads the Secret every 30 s).</summary>
    Task ServedByAllAsync(IEnumerable<OperatorPod> pods, string serial, TimeSpan? within = null) => Eventually.WaitAsync(async () =>
    {
        foreach (var pod in pods)
        {
            var log = await Plane.KubectlAsync(["logs", pod.Name, "-n", LocalOperator.Namespace]);
            if (!log.StdOut.Contains($"serving webhook certificate {serial}", StringComparison.Ordinal)) return false;
        }
        return true;
    }, within ?? Converge, $"every operator pod to serve certificate {serial}");

    static X509Certificate2 Parse(string pem) => X509Certificate2.CreateFromPem(pem);

    static List<string> Cas(string trust)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(trust);
        return [.. collection.Select(c => c.ExportCertificatePem())];
    }

    static string FirstCa(string trust) => Cas(trust)[0];

    /// <summary>A serving certificate for the same names as <paramref name="like"/>, signed by the given CA, valid for <paramref name="validity"/>.</summary>
    static (string Certificate, string Key) Issue(string caPem, string caKeyPem, string like, TimeSpan validity)
    {
        using var ca = X509Certificate2.CreateFromPem(caPem, caKeyPem);
        using var template = Parse(like);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(template.SubjectName, key, HashAlgorithmName.SHA256);
        foreach (var extension in template.Extensions.Where(e => e.Oid?.Value is "2.5.29.17" or "2.5.29.19" or "2.5.29.15" or "2.5.29.37"))
            request.CertificateExtensions.Add(extension);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(ca, now.AddMinutes(-5), now + validity, TestCertificates.Serial(16));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    static bool Verifies(string certificatePem, string caPem)
    {
        using var certificate = Parse(certificatePem);
        using var ca = Parse(caPem);
        return TestCertificates.ChainsTo(certificate, ca);
    }
}
