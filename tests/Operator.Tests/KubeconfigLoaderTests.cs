using k8s;
using Kaito.Testing;

namespace Kaito.Operator.Tests;

/// <summary>The AOT-safe kubeconfig reader gives the same configuration as the client's own reader.</summary>
public sealed class KubeconfigLoaderTests
{
    [Fact]
    public async Task Local_kubeconfig_loads_like_the_client_reads_it_and_reaches_the_api_server()
    {
        var plane = await ControlPlane.GetAsync();
        var ours = KubeconfigLoader.Load(plane.KubeconfigPath);
        var theirs = KubernetesClientConfiguration.BuildConfigFromConfigFile(plane.KubeconfigPath);

        Assert.Equal(theirs.Host, ours.Host);
        Assert.Equal(theirs.Namespace, ours.Namespace);
        Assert.Equal(theirs.CurrentContext, ours.CurrentContext);
        Assert.Equal(theirs.SslCaCerts!.Select(c => c.Thumbprint), ours.SslCaCerts!.Select(c => c.Thumbprint));
        Assert.Equal(theirs.ClientCertificateData, ours.ClientCertificateData);
        Assert.Equal(theirs.ClientCertificateKeyData, ours.ClientCertificateKeyData);
        Assert.Equal(theirs.ClientCertificateFilePath, ours.ClientCertificateFilePath);

        using var client = new Kubernetes(ours);
        var namespaces = await client.CoreV1.ListNamespaceAsync();
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
    }

    [Fact]
    public void Token_exec_and_context_fields_are_mapped()
    {
        var config = KubeconfigLoader.Parse("""
            apiVersion: v1
            kind: Config
            current-context: b
            clusters:
            - name: c1
              cluster: {server: "https://example.test:6443", insecure-skip-tls-verify: true, tls-server-name: api.test}
            users:
            - name: u1
              user: {token: abc}
            - name: u2
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: kubelogin
                  args: [get-token, --server-id, "6dae42f8"]
                  env: [{name: AZURE_CONFIG_DIR, value: /tmp/az}]
            contexts:
            - {name: a, context: {cluster: c1, user: u1}}
            - {name: b, context: {cluster: c1, user: u2, namespace: kaito}}
            """);

        Assert.Equal("b", config.CurrentContext);
        var cluster = Assert.Single(config.Clusters).ClusterEndpoint;
        Assert.True(cluster.SkipTlsVerify);
        Assert.Equal("api.test", cluster.TlsServerName);
        var users = config.Users.ToList();
        Assert.Equal("abc", users[0].UserCredentials.Token);
        var exec = users[1].UserCredentials.ExternalExecution;
        Assert.Equal("kubelogin", exec.Command);
        Assert.Equal(["get-token", "--server-id", "6dae42f8"], exec.Arguments);
        Assert.Equal("/tmp/az", Assert.Single(exec.EnvironmentVariables)["value"]);
        Assert.Equal("kaito", config.Contexts.Single(c => c.Name == "b").ContextDetails.Namespace);

        var built = KubernetesClientConfiguration.BuildConfigFromConfigObject(config, "a");
        Assert.Equal("abc", built.AccessToken);
        Assert.True(built.SkipTlsVerify);
    }

    [Fact]
    public void A_missing_file_names_the_path_and_the_fix()
    {
        var error = Assert.Throws<FileNotFoundException>(() => KubeconfigLoader.Load("/nonexistent/kubeconfig"));
        Assert.Contains("/nonexistent/kubeconfig", error.Message);
        Assert.Contains("--kubeconfig", error.Message);
    }
}
