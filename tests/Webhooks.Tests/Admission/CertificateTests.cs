using System.Net;
using System.Security.Cryptography.X509Certificates;
using Kaito.Webhooks.Certificates;

namespace Kaito.Webhooks.Tests.Admission;

public sealed class CertificateTests
{
    [Fact]
    public void Generated_server_certificate_chains_to_its_ca_and_names_the_service()
    {
        var bundle = CertificateAuthority.Generate(["kaito-workspace.kaito-system.svc", "localhost"], [IPAddress.Loopback], TimeSpan.FromDays(90));

        using var server = bundle.ToServerCertificate();
        using var ca = X509Certificate2.CreateFromPem(bundle.CaPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        Assert.True(chain.Build(server));
        Assert.True(server.HasPrivateKey);
        Assert.True(server.MatchesHostname("kaito-workspace.kaito-system.svc"));
        Assert.True(server.MatchesHostname("127.0.0.1"));
        Assert.InRange(server.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(89), DateTime.UtcNow.AddDays(91));
    }

    [Fact]
    public void Ca_bundle_patch_touches_only_the_webhooks_lacking_the_ca_and_guards_each_by_name()
    {
        var ca = System.Text.Encoding.UTF8.GetBytes("-----BEGIN CERTIFICATE-----\nnew\n-----END CERTIFICATE-----\n");
        var old = System.Text.Encoding.UTF8.GetBytes("old");

        var patch = WebhookRegistrar.CaBundlePatch([("mutation.workspace.kaito.sh", null), ("mutation.other", ca), ("mutation.third", old)], ca);
        var none = WebhookRegistrar.CaBundlePatch([("mutation.workspace.kaito.sh", ca)], ca);

        Assert.Null(none);
        Assert.NotNull(patch);
        Assert.Equal(k8s.Models.V1Patch.PatchType.JsonPatch, patch.Type);
        var operations = System.Text.Json.Nodes.JsonNode.Parse((string)patch.Content)!.AsArray();
        Assert.Equal(
            [
                """{"op":"test","path":"/webhooks/0/name","value":"mutation.workspace.kaito.sh"}""",
                $$"""{"op":"add","path":"/webhooks/0/clientConfig/caBundle","value":"{{Convert.ToBase64String(ca)}}"}""",
                """{"op":"test","path":"/webhooks/2/name","value":"mutation.third"}""",
                $$"""{"op":"add","path":"/webhooks/2/clientConfig/caBundle","value":"{{Convert.ToBase64String(ca)}}"}""",
            ],
            operations.Select(o => o!.ToJsonString()));
    }

    [Fact]
    public void Mismatched_or_garbage_pem_is_rejected()
    {
        var one = CertificateAuthority.Generate(["a"], [], TimeSpan.FromDays(1));
        var two = CertificateAuthority.Generate(["b"], [], TimeSpan.FromDays(1));

        Assert.NotNull(CertificateBundle.TryParse(one.CaPem, one.CertificatePem, one.KeyPem));
        Assert.Null(CertificateBundle.TryParse(two.CaPem, one.CertificatePem, one.KeyPem));
        Assert.Null(CertificateBundle.TryParse(one.CaPem, one.CertificatePem, two.KeyPem));
        Assert.Null(CertificateBundle.TryParse("", one.CertificatePem, one.KeyPem));
        Assert.Null(CertificateBundle.TryParse("junk", "junk", "junk"));
    }

    [Fact]
    public void File_source_reloads_only_when_the_files_change_and_parse()
    {
        var dir = Directory.CreateTempSubdirectory("kaito-certs").FullName;
        try
        {
            var source = new FileCertificateSource(dir);
            Assert.Null(source.ReadIfChanged());

            var first = CertificateAuthority.Generate(["a"], [], TimeSpan.FromDays(1));
            Write(dir, first, DateTime.UtcNow.AddMinutes(-2));
            Assert.Equal(first, source.ReadIfChanged());
            Assert.Null(source.ReadIfChanged());

            var second = CertificateAuthority.Generate(["a"], [], TimeSpan.FromDays(1));
            Write(dir, second, DateTime.UtcNow.AddMinutes(-1));
            Assert.Equal(second, source.ReadIfChanged());

            var serving = new ServingCertificate();
            serving.Use(second);
            Assert.True(serving.IsLoaded);
            Assert.Equal(second.CertificatePem, serving.Bundle!.CertificatePem);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The kubelet's Secret volume: files in a timestamped directory, ..data linking to it, each key linking through ..data; an update swaps ..data.</summary>
    [Fact]
    public void File_source_follows_a_kubelet_volume_swap_even_with_equal_time_stamps()
    {
        var dir = Directory.CreateTempSubdirectory("kaito-volume").FullName;
        try
        {
            var stamp = DateTime.UtcNow.AddMinutes(-5);
            var first = CertificateAuthority.Generate(["a"], [], TimeSpan.FromDays(1));
            Write(Directory.CreateDirectory(Path.Combine(dir, "..2026_12_03_01")).FullName, first, stamp);
            File.CreateSymbolicLink(Path.Combine(dir, "..data"), "..2026_12_03_01");
            foreach (var name in new[] { "ca.crt", "tls.crt", "tls.key" }) File.CreateSymbolicLink(Path.Combine(dir, name), Path.Combine("..data", name));
            var source = new FileCertificateSource(dir);
            Assert.Equal(first, source.ReadIfChanged());

            var second = CertificateAuthority.Generate(["a"], [], TimeSpan.FromDays(1));
            Write(Directory.CreateDirectory(Path.Combine(dir, "..2026_12_03_02")).FullName, second, stamp);
            File.Delete(Path.Combine(dir, "..data"));
            File.CreateSymbolicLink(Path.Combine(dir, "..data"), "..2026_12_03_02");

            Assert.Equal(second, source.ReadIfChanged());
            Assert.Null(source.ReadIfChanged());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static void Write(string dir, CertificateBundle bundle, DateTime time)
    {
        foreach (var (name, pem) in new[] { ("ca.crt", bundle.CaPem), ("tls.crt", bundle.CertificatePem), ("tls.key", bundle.KeyPem) })
        {
            var path = Path.Combine(dir, name);
            File.WriteAllText(path, pem);
            File.SetLastWriteTimeUtc(path, time);
        }
    }
}
