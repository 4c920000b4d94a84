using System.Globalization;
using System.Text.Json.Nodes;

namespace Kaito.Testing;

/// <summary>
/// The operator `make up` runs on the local cluster, whichever way it runs it: by default the charts' Deployments in
/// kaito-system on the real node (hack/local-cluster/install.sh), or with KAITO_NODE=off a host process
/// (hack/local-cluster/operator.sh). The scripts write which one to .local/operator-mode.
/// </summary>
public static class LocalOperator
{
    public const string Namespace = "kaito-system";

    /// <summary>The release (and Deployment) of the Workspace and InferenceSet operator.</summary>
    public const string WorkspaceRelease = "kaito-workspace";

    public const string RagEngineRelease = "kaito-ragengine";

    const int PodHealthPort = 8081;

    static string ModeFile => RepositoryPaths.Combine(".local", "operator-mode");

    static string PidFile => RepositoryPaths.Combine(".local", "pids", "kaito-operator.pid");

    /// <summary>True when the operator runs in the cluster (the default); false for the host process.</summary>
    public static bool InCluster =>
        !File.Exists(ModeFile) || File.ReadAllText(ModeFile).Trim() != "process";

    /// <summary>
    /// Informers the Workspace operator runs: Workspace (8 kinds) and InferenceSet (2 kinds); the host process also
    /// runs the RAGEngine controller's 7.
    /// </summary>
    public static int WorkspaceOperatorInformers => InCluster ? 10 : 17;

    static Task<ProcessResult> Kubectl(params string[] arguments) =>
        ProcessRunner.RunAsync("kubectl", ["--kubeconfig", RepositoryPaths.Combine(".local", "kubeconfig"), .. arguments]);

    /// <summary>The Workspace operator's pods, Ready ones first: (name, uid, IP, restarts, ready).</summary>
    public static async Task<IReadOnlyList<OperatorPod>> PodsAsync(string release = WorkspaceRelease)
    {
        var result = await Kubectl("get", "pods", "-n", Namespace, "-l", $"app.kubernetes.io/instance={release}", "-o", "json");
        if (!result.Succeeded) throw new InvalidOperationException("listing the operator pods failed: " + result);
        var pods = new List<OperatorPod>();
        foreach (var pod in JsonNode.Parse(result.StdOut)!["items"]!.AsArray())
        {
            if (pod!["metadata"]!["deletionTimestamp"] is not null) continue;
            var status = pod["status"]!;
            var container = status["containerStatuses"]?.AsArray().FirstOrDefault();
            pods.Add(new OperatorPod(
                pod["metadata"]!["name"]!.GetValue<string>(), pod["metadata"]!["uid"]!.GetValue<string>(),
                status["podIP"]?.GetValue<string>(), container?["restartCount"]?.GetValue<int>() ?? 0,
                container?["ready"]?.GetValue<bool>() == true));
        }
        return [.. pods.OrderByDescending(p => p.Ready)];
    }

    /// <summary>
    /// Where the health port of the operator of <paramref name="release"/> answers (/healthz, /readyz, /metrics): 127.0.0.1 for the process, the
    /// leader pod's IP (reachable from this machine, and without the API server) in the cluster.
    /// </summary>
    public static async Task<Uri> HealthAddressAsync(string release = WorkspaceRelease)
    {
        if (!InCluster)
            return new Uri($"http://127.0.0.1:{Environment.GetEnvironmentVariable("KAITO_HEALTH_PORT") ?? "18081"}");
        var leader = await LeaderPodAsync(release) ?? throw new InvalidOperationException($"no {release} pod holds the Lease");
        var pod = (await PodsAsync(release)).FirstOrDefault(p => p.Name == leader && p.IP is not null)
            ?? throw new InvalidOperationException($"the leader pod {leader} has no IP");
        return new Uri($"http://{pod.IP}:{PodHealthPort}");
    }

    /// <summary>The pod whose operator holds the Workspace operator's Lease (identity: hostname-pid), or null.</summary>
    public static async Task<string?> LeaderPodAsync(string release = WorkspaceRelease)
    {
        var lease = await Kubectl("get", "lease", "-n", Namespace, $"{release}-leader", "-o", "jsonpath={.spec.holderIdentity}");
        if (!lease.Succeeded || string.IsNullOrWhiteSpace(lease.StdOut)) return null;
        var holder = lease.StdOut.Trim();
        var dash = holder.LastIndexOf('-');
        return dash > 0 ? holder[..dash] : holder;
    }

    /// <summary>What changes when the operator restarts: the pid of the process, the pod uid and restarts in the cluster.</summary>
    public static async Task<string> IdentityAsync()
    {
        if (!InCluster) return (await File.ReadAllTextAsync(PidFile)).Trim();
        var pods = await PodsAsync();
        return string.Join(",", pods.Select(p => $"{p.Uid}/{p.RestartCount}").Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Ends the operator abruptly, as a crash would: SIGKILL of the process, or in the cluster every Workspace operator
    /// pod force-deleted (the kubelet kills its containers at once; the ReplicaSet starts new pods without the
    /// crash-loop back-off a killed container gets). Returns once the process or pods are gone.
    /// </summary>
    public static async Task KillAsync()
    {
        if (InCluster)
        {
            var pods = await PodsAsync();
            foreach (var pod in pods)
            {
                var deleted = await Kubectl("delete", "pod", "-n", Namespace, pod.Name, "--grace-period=0", "--force", "--wait=false");
                if (!deleted.Succeeded && !deleted.StdErr.Contains("NotFound", StringComparison.Ordinal))
                    throw new InvalidOperationException("force-deleting the operator pod failed: " + deleted);
            }
            return;
        }
        var pid = int.Parse(await File.ReadAllTextAsync(PidFile), CultureInfo.InvariantCulture);
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Brings the operator back with <paramref name="environment"/> (KAITO_NODE_PROVISIONER, KAITO_PRESET_REGISTRY, KAITO_RAG_IMAGE,
    /// KAITO_CLOUD, KAITO_OPERATOR_REPLICAS, the tuning images of install.sh; unset ones take their defaults) and returns once its webhooks answer:
    /// operator.sh --no-build for the process, install.sh --no-build (helm upgrade) in the cluster. Without settings
    /// in the cluster it only waits for the Deployment's pods.
    /// </summary>
    public static async Task<ProcessResult> RestartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!InCluster)
            return await ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", "operator.sh"), "--no-build"],
                environment: environment, timeout: TimeSpan.FromMinutes(3));
        if (environment is { Count: > 0 })
            return await ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", "install.sh"), "--no-build"],
                environment: environment, timeout: TimeSpan.FromMinutes(5));
        var rollout = await Kubectl("rollout", "status", "-n", Namespace, $"deployment/{WorkspaceRelease}", "--timeout=180s");
        if (!rollout.Succeeded) return rollout;
        return await WaitForAdmissionAsync();
    }

    /// <summary>
    /// Stops the operator and removes its webhook configurations (they would fail closed with nobody serving them):
    /// the process killed, or in the cluster both Deployments scaled to zero. <see cref="StartAsync"/> undoes it.
    /// </summary>
    public static async Task StopAsync()
    {
        if (InCluster)
        {
            foreach (var release in new[] { WorkspaceRelease, RagEngineRelease })
            {
                var scaled = await Kubectl("scale", "deployment", release, "-n", Namespace, "--replicas=0");
                if (!scaled.Succeeded) throw new InvalidOperationException("scaling the operator down failed: " + scaled);
                await Kubectl("delete", "mutatingwebhookconfiguration,validatingwebhookconfiguration",
                    $"{release}-mutating-webhooks", $"{release}-validating-webhooks", "--ignore-not-found");
            }
            await Kubectl("wait", "pods", "-n", Namespace, "-l", "app.kubernetes.io/managed-by=Helm", "--for=delete", "--timeout=60s");
            return;
        }
        if (File.Exists(PidFile)) await KillAsync();
        await Kubectl("delete", "mutatingwebhookconfiguration,validatingwebhookconfiguration", "kaito-mutating-webhooks",
            "kaito-validating-webhooks", "--ignore-not-found");
    }

    /// <summary>Starts the operator <see cref="StopAsync"/> stopped (helm upgrade in the cluster restores what it removed).</summary>
    public static Task<ProcessResult> StartAsync() =>
        ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", InCluster ? "install.sh" : "operator.sh"), "--no-build"],
            timeout: TimeSpan.FromMinutes(5));

    /// <summary>The annotation <see cref="PatchDeploymentAsync"/> leaves on the Deployment until it is undone (hack/local-cluster/install.sh reads it).</summary>
    public const string TestPatchAnnotation = "kaito.sh/test-patch";

    /// <summary>
    /// Changes the in-cluster Workspace operator's pod template by a JSON patch (flags, environment, volumes a test needs)
    /// and waits for the rollout (undone if it does not finish); <see cref="UndoPatchAsync"/> returns to the template before it.
    /// </summary>
    public static async Task PatchDeploymentAsync(JsonArray patch)
    {
        // The Deployment is marked as patched: a run stopped before the undo leaves the mark, and install.sh makes the
        // Deployment anew from the chart when it sees it (helm upgrade alone keeps fields it never rendered).
        var marked = JsonNode.Parse(patch.ToJsonString())!.AsArray();
        marked.Add(new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations/" + TestPatchAnnotation.Replace("/", "~1", StringComparison.Ordinal), ["value"] = "true" });
        var patched = await Kubectl("patch", "deployment", WorkspaceRelease, "-n", Namespace, "--type=json", "-p", marked.ToJsonString());
        if (!patched.Succeeded) throw new InvalidOperationException("patching the operator's Deployment failed: " + patched);
        try
        {
            await RolloutAsync();
        }
        catch (InvalidOperationException)
        {
            await UndoPatchAsync();
            throw;
        }
    }

    public static async Task UndoPatchAsync()
    {
        var undone = await Kubectl("rollout", "undo", $"deployment/{WorkspaceRelease}", "-n", Namespace);
        if (!undone.Succeeded) throw new InvalidOperationException("rolling the operator's Deployment back failed: " + undone);
        await RolloutAsync();
        // Undone: the mark goes too (a rollback restores the pod template, not the Deployment's own annotations).
        var unmarked = await Kubectl("annotate", "deployment", WorkspaceRelease, "-n", Namespace, TestPatchAnnotation + "-");
        if (!unmarked.Succeeded) throw new InvalidOperationException("removing the test-patch mark failed: " + unmarked);
    }

    static async Task RolloutAsync()
    {
        var rollout = await Kubectl("rollout", "status", $"deployment/{WorkspaceRelease}", "-n", Namespace, "--timeout=180s");
        if (!rollout.Succeeded) throw new InvalidOperationException("the operator's rollout did not finish: " + rollout);
    }

    /// <summary>Waits (2 minutes unless told) until a server-side dry-run apply passes the Workspace webhooks.</summary>
    public static async Task<ProcessResult> WaitForAdmissionAsync(TimeSpan? within = null)
    {
        var example = RepositoryPaths.Combine("examples", "inference", "kaito_workspace_phi_3.5-instruct.yaml");
        ProcessResult last = new(1, "", "not tried");
        for (var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromMinutes(2)); DateTime.UtcNow < deadline;)
        {
            last = await Kubectl("apply", "--dry-run=server", "-f", example);
            if (last.Succeeded) return last;
            await Task.Delay(250);
        }
        return last;
    }
}

public sealed record OperatorPod(string Name, string Uid, string? IP, int RestartCount, bool Ready);
