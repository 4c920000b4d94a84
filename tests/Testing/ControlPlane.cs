using k8s;

namespace Kaito.Testing;

/// <summary>
/// The real local control plane (etcd, kube-apiserver, controller-manager, scheduler), started once
/// per test run by hack/local-cluster/up.sh and shared by every test. Set KAITO_E2E_KUBECONFIG to run
/// against an existing cluster with Kaito installed instead (hack/e2e-k3d.sh does).
/// </summary>
public sealed class ControlPlane
{
    static readonly SemaphoreSlim Gate = new(1, 1);
    static ControlPlane? shared;

    ControlPlane(string kubeconfig)
    {
        KubeconfigPath = kubeconfig;
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
    }

    public string KubeconfigPath { get; }

    /// <summary>KAITO_E2E_KUBECONFIG (or the older KAITO_TEST_KUBECONFIG): an existing cluster instead of the local one.</summary>
    public static string? ExternalKubeconfig =>
        Environment.GetEnvironmentVariable("KAITO_E2E_KUBECONFIG") ?? Environment.GetEnvironmentVariable("KAITO_TEST_KUBECONFIG");

    /// <summary>True on the local control plane, where the GPU simulator stands in for machines.</summary>
    public static bool IsLocal => ExternalKubeconfig is null;

    /// <summary>KAITO_E2E_REAL_GPUS=true: the cluster has real GPUs, so models are really served and can be called.</summary>
    public static bool RealGpus => string.Equals(Environment.GetEnvironmentVariable("KAITO_E2E_REAL_GPUS"), "true", StringComparison.OrdinalIgnoreCase);

    public IKubernetes Client { get; }

    public static async Task<ControlPlane> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return shared ??= await StartAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    static async Task<ControlPlane> StartAsync()
    {
        var external = ExternalKubeconfig;
        var kubeconfig = external ?? RepositoryPaths.Combine(".local", "kubeconfig");
        if (external is null)
        {
            // up.sh reuses a running control plane and serializes concurrent callers with a lock.
            var up = await ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", "up.sh")],
                timeout: TimeSpan.FromMinutes(5));
            if (!up.Succeeded)
                throw new InvalidOperationException(
                    "The local control plane could not start. Run `make cluster-up` (installs etcd, helm and Go, " +
                    "builds kube-apiserver once) and retry; logs are in .local/logs.\n" + up.StdErr);
        }
        else if (!File.Exists(external))
        {
            throw new InvalidOperationException($"KAITO_E2E_KUBECONFIG={external} does not exist");
        }

        var plane = new ControlPlane(kubeconfig);
        var crds = await plane.KubectlAsync(["apply", "--server-side", "--force-conflicts",
            "-f", RepositoryPaths.Combine("charts", "kaito", "workspace", "crds"),
            "-f", RepositoryPaths.Combine("charts", "kaito", "ragengine", "crds")]);
        if (!crds.Succeeded) throw new InvalidOperationException("installing the CRDs failed: " + crds);
        var established = await plane.KubectlAsync(["wait", "--for", "condition=Established", "--timeout", "60s",
            "crd/workspaces.kaito.sh", "crd/ragengines.kaito.sh", "crd/nodeclaims.karpenter.sh"]);
        if (!established.Succeeded) throw new InvalidOperationException("CRDs did not become Established: " + established);
        return plane;
    }

    static readonly SemaphoreSlim OperatorGate = new(1, 1);
    bool operatorReady;

    /// <summary>
    /// Makes sure the operator with its admission webhooks serves this control plane: reuses the one `make up`
    /// started, else starts it as `make up` would (the real node and the charts, or with KAITO_NODE=off a host process).
    /// </summary>
    public async Task EnsureOperatorAsync()
    {
        await OperatorGate.WaitAsync();
        try
        {
            if (operatorReady) return;
            if (!IsLocal)
            {
                var ns = Environment.GetEnvironmentVariable("KAITO_E2E_OPERATOR_NAMESPACE") ?? "kaito-system";
                var available = await KubectlAsync(["wait", "-n", ns, "--for=condition=Available", "--timeout=300s", "deployment", "-l", "app.kubernetes.io/name=kaito-workspace"]);
                if (!available.Succeeded) throw new InvalidOperationException($"KAITO_E2E_KUBECONFIG is set but the kaito-workspace Deployment in {ns} is not available; helm install charts/kaito/workspace first:\n" + available);
                operatorReady = true;
                return;
            }
            operatorReady = LocalOperator.InCluster ? await ClusterOperatorReadyAsync() : await ProcessOperatorReadyAsync();
            if (operatorReady) return;
            var simulator = await ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", "simulator.sh")], timeout: TimeSpan.FromMinutes(5));
            if (!simulator.Succeeded) throw new InvalidOperationException("The GPU simulator did not start (run `make up`):\n" + simulator.StdErr);
            if (Environment.GetEnvironmentVariable("KAITO_NODE") == "off")
            {
                var started = await ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", "operator.sh")], timeout: TimeSpan.FromMinutes(5));
                if (!started.Succeeded) throw new InvalidOperationException("The operator did not start (run `make up`; log in .local/logs/kaito-operator.log):\n" + started.StdErr);
            }
            else
            {
                foreach (var script in new[] { "node-up.sh", "install.sh" })
                {
                    var step = await ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", script)], timeout: TimeSpan.FromMinutes(15));
                    if (!step.Succeeded) throw new InvalidOperationException($"hack/local-cluster/{script} failed (run `make up`; logs in .local/logs):\n" + step.StdErr);
                }
            }
            operatorReady = true;
        }
        finally
        {
            OperatorGate.Release();
        }
    }

    async Task<bool> ClusterOperatorReadyAsync()
    {
        var available = await KubectlAsync(["wait", "-n", LocalOperator.Namespace, "--for=condition=Available", "--timeout=5s",
            $"deployment/{LocalOperator.WorkspaceRelease}", $"deployment/{LocalOperator.RagEngineRelease}"]);
        return available.Succeeded && (await LocalOperator.WaitForAdmissionAsync(TimeSpan.FromSeconds(5))).Succeeded;
    }

    static async Task<bool> ProcessOperatorReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            return (await http.GetAsync(new Uri(await LocalOperator.HealthAddressAsync(), "/readyz"))).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Runs the machine's kubectl against this control plane.</summary>
    public Task<ProcessResult> KubectlAsync(IEnumerable<string> arguments, string? stdin = null) =>
        ProcessRunner.RunAsync("kubectl", ["--kubeconfig", KubeconfigPath, .. arguments], stdin);

    /// <summary><see cref="KubectlAsync"/> that fails the test, with kubectl's output, when kubectl fails.</summary>
    public Task<ProcessResult> KubectlOkAsync(params string[] arguments) => KubectlOkAsync(arguments, null);

    public async Task<ProcessResult> KubectlOkAsync(IEnumerable<string> arguments, string? stdin)
    {
        var result = await KubectlAsync(arguments, stdin);
        Xunit.Assert.True(result.Succeeded, $"kubectl {string.Join(' ', arguments)} failed:\n{result}");
        return result;
    }

    /// <summary>A fresh namespace for one test; deleted (without waiting) when disposed.</summary>
    public async Task<TestNamespace> CreateNamespaceAsync(string prefix, bool admission = true)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 9, 63)].TrimEnd('-');
        var labels = admission ? null : new Dictionary<string, string> { ["kaito.sh/admission"] = "disabled" };
        await Client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new() { Name = name, Labels = labels } });
        return new TestNamespace(this, name);
    }
}

public sealed class TestNamespace(ControlPlane plane, string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await plane.Client.CoreV1.DeleteNamespaceAsync(Name);
        }
        catch (k8s.Autorest.HttpOperationException)
        {
            // Already gone; nothing to clean up.
        }
    }
}
