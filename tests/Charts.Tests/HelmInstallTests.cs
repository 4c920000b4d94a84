using System.Diagnostics;
using System.Text;
using Kaito.Testing;

namespace Kaito.Charts.Tests;

/// <summary>
/// Both charts installed with real helm on the local control plane, the operator running on the chart's
/// ServiceAccount token (not an admin credential) as the out-of-cluster operator the webhook.url value is
/// for, a Workspace and a RAGEngine reconciled through it, admission kept across `helm upgrade`, and
/// `helm uninstall` leaving nothing behind. It stops the operator `make up` started for its duration (the
/// two would otherwise share the work and hide missing permissions), so `make test` runs it on its own,
/// after the other suites: filter Category=Exclusive.
/// </summary>
[Trait("Category", "Exclusive")]
public sealed class HelmInstallTests : IAsyncLifetime
{
    readonly string suffix = Guid.NewGuid().ToString("N")[..6];
    readonly List<Process> operators = [];
    ControlPlane plane = null!;
    string ns = null!;

    string Workspace => $"ws-{suffix}";

    string Rag => $"rag-{suffix}";

    public async Task InitializeAsync()
    {
        plane = await ControlPlane.GetAsync();
        await plane.EnsureOperatorAsync();   // builds the operator binary when `make up` has not
        await LocalOperator.StopAsync();   // it would share the work and hide missing permissions
        ns = $"kaito-helm-{suffix}";
    }

    public async Task DisposeAsync()
    {
        foreach (var process in operators.Where(p => !p.HasExited)) process.Kill(entireProcessTree: true);
        // After a failure too: leftover webhook configurations would point at a port nobody serves and fail every later apply.
        foreach (var release in new[] { Workspace, Rag })
            await Helm.RunAsync("uninstall", release, "-n", ns, "--kubeconfig", plane.KubeconfigPath);
        await plane.KubectlAsync(["delete", "namespace", ns, "kaito-helm-apps-" + suffix, "--ignore-not-found", "--wait=false"]);
        var restarted = await LocalOperator.StartAsync();
        Assert.True(restarted.Succeeded, "restarting the local operator failed: " + restarted);
    }


    async Task<ProcessResult> HelmOk(params string[] args)
    {
        var result = await Helm.RunAsync([.. args, "--kubeconfig", plane.KubeconfigPath]);
        Assert.True(result.Succeeded, $"helm {string.Join(' ', args)}:\n{result}");
        return result;
    }

    /// <summary>A kubeconfig holding only the token of the release's ServiceAccount.</summary>
    async Task<string> ServiceAccountKubeconfigAsync(string release)
    {
        var secret = await Eventually.WaitAsync(async () =>
        {
            var name = (await plane.KubectlAsync(["get", "serviceaccount", release, "-n", ns, "-o", "jsonpath={.secrets[0].name}"])).StdOut.Trim();
            return name.Length > 0 ? name : null;
        }, TimeSpan.FromSeconds(60), $"the token Secret of ServiceAccount {release}");
        var token = Encoding.UTF8.GetString(Convert.FromBase64String((await plane.KubectlOkAsync("get", "secret", secret, "-n", ns, "-o", "jsonpath={.data.token}")).StdOut.Trim()));
        var server = (await plane.KubectlOkAsync("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")).StdOut.Trim();
        var path = Path.Combine(Path.GetTempPath(), $"kaito-{release}.kubeconfig");
        var ca = RepositoryPaths.Combine(".local", "pki", "ca.crt");
        await File.WriteAllTextAsync(path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster: {server: "{{server}}", certificate-authority: "{{ca}}"}
            users:
            - name: {{release}}
              user: {token: "{{token}}"}
            contexts:
            - name: sa
              context: {cluster: local, user: {{release}} }
            current-context: sa
            """);
        return path;
    }

    async Task<(Process Process, StringBuilder Log)> StartOperatorAsync(string release, string controller, int webhookPort, int healthPort)
    {
        var info = new ProcessStartInfo(RepositoryPaths.OperatorExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--kubeconfig", await ServiceAccountKubeconfigAsync(release), "--controllers", controller, "--namespace", ns,
            "--bind-address", "127.0.0.1", "--webhook-port", $"{webhookPort}", "--health-port", $"{healthPort}",
            "--webhook-url", $"https://127.0.0.1:{webhookPort}", "--webhook-config-prefix", release,
            "--cert-secret", $"{release}-webhook-cert", "--leader-election-id", $"{release}-leader", "--log-format", "text",
        })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        operators.Add(process);
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.WaitAsync(async () =>
        {
            Assert.False(process.HasExited, $"operator for {release} exited:\n{log}");
            try
            {
                return (await http.GetAsync(new Uri($"http://127.0.0.1:{healthPort}/readyz"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), $"the {controller} operator on its ServiceAccount token to be ready");
        return (process, log);
    }

    [Fact]
    public async Task Charts_install_run_on_their_service_account_keep_admission_across_upgrade_and_uninstall_cleanly()
    {
        const int wsPort = 19543, ragPort = 19544;
        await HelmOk("install", Workspace, Helm.Chart("workspace"), "-n", ns, "--create-namespace",
            "--set", "operator.enabled=false", "--set", $"webhook.url=https://127.0.0.1:{wsPort}");
        await HelmOk("install", Rag, Helm.Chart("ragengine"), "-n", ns,
            "--set", "operator.enabled=false", "--set", $"webhook.url=https://127.0.0.1:{ragPort}");
        var (_, wsLog) = await StartOperatorAsync(Workspace, "workspace,inferenceset", wsPort, 18181);
        var (_, ragLog) = await StartOperatorAsync(Rag, "ragengine", ragPort, 18182);

        // The operators, on nothing but their ServiceAccounts' permissions, reconcile a Workspace and a RAGEngine.
        var apps = $"kaito-helm-apps-{suffix}";
        await plane.KubectlOkAsync("create", "namespace", apps);
        await plane.KubectlOkAsync("apply", "-n", apps, "-f", RepositoryPaths.Combine("examples/inference/kaito_workspace_phi_3.yaml"));
        await plane.KubectlOkAsync("apply", "-n", apps, "-f", RepositoryPaths.Combine("examples/RAG/kaito_ragengine_remote_embedding.yaml"));
        await plane.KubectlOkAsync("wait", "-n", apps, "--for=condition=WorkspaceSucceeded", "--timeout=100s", "workspace/workspace-phi-3-mini");
        await plane.KubectlOkAsync("wait", "-n", apps, "--for=condition=RAGEngineSucceeded", "--timeout=100s", "ragengine/ragengine-remote-embedding");
        await plane.KubectlOkAsync("get", "deployment,service", "-n", apps, "workspace-phi-3-mini", "ragengine-remote-embedding");
        lock (wsLog) Assert.DoesNotContain("forbidden", wsLog.ToString(), StringComparison.OrdinalIgnoreCase);
        lock (ragLog) Assert.DoesNotContain("forbidden", ragLog.ToString(), StringComparison.OrdinalIgnoreCase);
        var defaulted = await plane.KubectlOkAsync("get", "workspace", "workspace-phi-3-mini", "-n", apps, "-o", "jsonpath={.inference.preset.accessMode}");
        Assert.Equal("public", defaulted.StdOut.Trim());   // the chart's mutating webhook ran

        // helm upgrade re-renders the webhook configurations; admission must keep working (the CA stays injected).
        await HelmOk("upgrade", Workspace, Helm.Chart("workspace"), "-n", ns,
            "--set", "operator.enabled=false", "--set", $"webhook.url=https://127.0.0.1:{wsPort}", "--set", "webhook.timeoutSeconds=15");
        var denied = await plane.KubectlAsync(["apply", "-n", apps, "-f", "-"], """
            apiVersion: kaito.sh/v1beta1
            kind: Workspace
            metadata: {name: after-upgrade}
            resource: {instanceType: Standard_NC6s_v4, labelSelector: {matchLabels: {apps: x}}}
            inference: {preset: {name: phi-3-mini-4k-instruct}}
            """);
        Assert.False(denied.Succeeded, "an invalid Workspace was accepted after helm upgrade");
        Assert.Contains("resource.instanceType", denied.StdErr, StringComparison.Ordinal);
        var timeout = await plane.KubectlOkAsync("get", "validatingwebhookconfiguration", $"{Workspace}-validating-webhooks", "-o", "jsonpath={.webhooks[0].timeoutSeconds}");
        Assert.Equal("15", timeout.StdOut.Trim());

        // helm uninstall removes every object the charts installed, cluster-scoped ones included.
        await plane.KubectlOkAsync("delete", "namespace", apps, "--timeout=180s");
        await HelmOk("uninstall", Workspace, "-n", ns);
        await HelmOk("uninstall", Rag, "-n", ns);
        foreach (var release in new[] { Workspace, Rag })
        {
            var left = await plane.KubectlAsync(["get", "clusterrole,clusterrolebinding", release, "--ignore-not-found", "-o", "name"]);
            Assert.Equal("", left.StdOut.Trim());
            var hooks = await plane.KubectlAsync(["get", "mutatingwebhookconfiguration,validatingwebhookconfiguration", $"{release}-mutating-webhooks", $"{release}-validating-webhooks", "--ignore-not-found", "-o", "name"]);
            Assert.Equal("", hooks.StdOut.Trim());
            var namespaced = await plane.KubectlAsync(["get", "serviceaccount,service,role,rolebinding,deployment", "-n", ns, "-l", $"app.kubernetes.io/instance={release}", "-o", "name"]);
            Assert.Equal("", namespaced.StdOut.Trim());
        }
    }
}
