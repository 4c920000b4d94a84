using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class UrlRulesTests
{
    [Theory]
    [InlineData("http://127.0.0.1/data")]
    [InlineData("http://[::1]/data")]
    [InlineData("http://10.1.2.3/data")]
    [InlineData("http://172.16.0.5/data")]
    [InlineData("http://192.168.1.1/data")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://100.64.0.10/x")]
    [InlineData("http://100.127.255.1/x")]
    [InlineData("http://[fe80::1]/x")]
    [InlineData("http://[fd00::1]/x")]
    [InlineData("http://224.0.0.1/x")]
    [InlineData("http://0.0.0.0/x")]
    [InlineData("http://[::]/x")]
    [InlineData("http://[::ffff:127.0.0.1]/x")]
    [InlineData("http://2130706433/x")]
    [InlineData("http://localhost:8080/x")]
    [InlineData("http://api.localhost/x")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/")]
    [InlineData("http://metadata.google/x")]
    [InlineData("http://instance-data.ec2.internal/x")]
    [InlineData("http://kubernetes.default.svc/api/v1/secrets")]
    [InlineData("http://kubernetes.default.svc.cluster.local/api")]
    [InlineData("http://qdrant.default.svc.corp.example/x")]
    [InlineData("http://kubernetes/api")]
    [InlineData("http://my-service:8080/data.parquet")]
    [InlineData("http://node1.cluster.local/x")]
    [InlineData("http://printer.local/x")]
    [InlineData("http://metadata.azure.internal/metadata/instance")]
    [InlineData("http://metadata.azure.com/x")]
    [InlineData("http://metadata/computeMetadata/v1/")]
    [InlineData("http://instance-data/latest/meta-data")]
    [InlineData("http://ip-10-0-0-1.ec2.internal/x")]
    [InlineData("http://localhost.localdomain/x")]
    [InlineData("http://ip6-localhost/x")]
    [InlineData("http://169.254.169.254.nip.io/latest/meta-data")]
    [InlineData("http://10.0.0.1.sslip.io/x")]
    [InlineData("http://app.192.168.1.5.nip.io/x")]
    [InlineData("http://10-0-0-1.sslip.io/x")]
    [InlineData("http://app-127-0-0-1.nip.io/x")]
    [InlineData("http://7f000001.nip.io/x")]
    [InlineData("http://anything.localtest.me/x")]
    [InlineData("http://router.home.arpa/x")]
    [InlineData("http://KUBERNETES.Default.SVC./api")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("ftp://x")]
    [InlineData("gopher://example.com/x")]
    [InlineData("huggingface.co/data.parquet")]
    [InlineData("")]
    public void Download_url_is_rejected(string url)
    {
        var problem = UrlRules.DownloadProblem(url);
        Assert.NotNull(problem);
        if (url.StartsWith("http", StringComparison.OrdinalIgnoreCase) && url.Contains("://", StringComparison.Ordinal))
            Assert.Contains("public URL", problem, StringComparison.Ordinal);
        var workspace = Tuning();
        workspace.Tuning!.Input!.Urls = ["https://example.com/ok.parquet", url];
        var error = Single(Create(workspace), "tuning.input.urls[1]", FieldErrorType.Invalid);
        Assert.Equal(url, error.Value);
    }

    [Theory]
    [InlineData("https://huggingface.co/datasets/philschmid/dolly-15k-oai-style/resolve/main/data/train-00000-of-00001-54e3756291ca09c6.parquet?download=true")]
    [InlineData("http://example.com/data.json")]
    [InlineData("HTTPS://Example.COM/data.json")]
    [InlineData("https://8.8.8.8/data.json")]
    [InlineData("https://100.128.0.1/data.json")]
    [InlineData("http://198.18.0.1:8080/data.json")]
    [InlineData("http://8.8.8.8.nip.io/data.json")]
    [InlineData("https://data.example.com/svc/file.parquet")]
    [InlineData("https://svc.example.com/file.parquet")]
    public void Download_url_is_accepted(string url)
    {
        Assert.Null(UrlRules.DownloadProblem(url));
        var workspace = Tuning();
        workspace.Tuning!.Input!.Urls = [url];
        Valid(Create(workspace));
    }

    [Theory]
    [InlineData("http://qdrant.default.svc:6333", true)]
    [InlineData("http://10.0.0.4:8080/v1", true)]
    [InlineData("https://x.example.com", true)]
    [InlineData("grpc://qdrant:6334", false)]
    [InlineData("/v1/chat", false)]
    [InlineData("not a url", false)]
    public void Service_urls_need_http_but_may_be_internal(string url, bool ok) => Assert.Equal(ok, UrlRules.HttpProblem(url) is null);
}
