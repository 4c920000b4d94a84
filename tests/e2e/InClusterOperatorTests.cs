using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using Kaito.Testing;
using Xunit.Abstractions;

namespace Kaito.E2E.Tests;

/// <summary>
/// The operator as users run it (make up's default): its image built by docker, the charts installed by helm, pods on
/// the real node. A rollout to a rebuilt image under a stream of admissions, two replicas losing their leader to a
/// graceful stop (a handover), a forced pod deletion and a container killed by the runtime, a cold start of the default
/// certificate mode, logs and metrics through the cluster, and the image's own strictness. It rolls and reconfigures the operator, so `make test`
/// runs it on its own (Category=Exclusive).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
[Trait("Category", "Exclusive")]
public sealed class InClusterOperatorTests(ControlPlaneFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    const string Docker = "/usr/bin/docker";
    const string DockerHost = "unix:///run/kaito-node/docker.sock";
    static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);

    ControlPlane Plane => fixture.Plane;

    public async Task InitializeAsync()
    {
        await Plane.EnsureOperatorAsync();
        Assert.True(LocalOperator.InCluster, "these tests need the operator in the cluster: run `make up` without KAITO_NODE=off");
    }

    public async Task DisposeAsync()
    {
        // Back to what `make up` installs (one replica, the image of the current build), whatever a test left.
        var restored = await LocalOperator.StartAsync();
        Assert.True(restored.Succeeded, restored.ToString());
    }

    async Task<string> DeployedImageAsync() =>
        (await Plane.KubectlAsync(["get", "deployment", LocalOperator.WorkspaceRelease, "-n", LocalOperator.Namespace,
            "-o", "jsonpath={.spec.template.spec.containers[0].image}"])).StdOut.Trim();

    [Fact]
    public async Task Helm_upgrade_to_a_rebuilt_image_rolls_the_operator_with_no_failed_admission()
    {
        var before = await DeployedImageAsync();
        var build = await ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", "image.sh"), "--no-build", "--variant", "rollout"],
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(build.Succeeded, build.ToString());
        var rebuilt = build.StdOut.Trim().Split('\n')[^1];
        Assert.NotEqual(before, rebuilt);

        await using var ns = await Plane.CreateNamespaceAsync("rollout");
        // KAITO_ROLLOUT_CLIENTS runs several admission clients (docs/reliability.md has what four measured).
        var clients = int.TryParse(Environment.GetEnvironmentVariable("KAITO_ROLLOUT_CLIENTS"), out var n) && n > 0 ? n : 1;
        await using var stream = AdmissionStream.Start(Plane, ns.Name, clients);
        var upgrade = await ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", "install.sh"), "--image", rebuilt],
            timeout: TimeSpan.FromMinutes(5));
        // A few more admissions after helm returns: the old pod is still draining then.
        await Task.Delay(TimeSpan.FromSeconds(8));
        await stream.StopAsync();
        var (admitted, failures) = (stream.Admitted, stream.Failures);

        Assert.True(upgrade.Succeeded, upgrade.ToString());
        Assert.Equal(rebuilt, await DeployedImageAsync());
        var pods = await LocalOperator.PodsAsync();
        Assert.Single(pods);
        var running = (await Plane.KubectlAsync(["get", "pod", pods[0].Name, "-n", LocalOperator.Namespace, "-o", "jsonpath={.spec.containers[0].image}"])).StdOut.Trim();
        Assert.Equal(rebuilt, running);
        output.WriteLine($"{admitted} Workspaces admitted by {clients} client(s) during the rollout to {rebuilt}; {failures.Count} failed");
        Assert.True(admitted > 100, $"only {admitted} admissions ran during the rollout");
        Assert.True(failures.Count == 0, $"{failures.Count} admissions failed during the rollout, the first: {failures.FirstOrDefault()}");
    }

    [Fact]
    public async Task An_install_finds_the_release_left_pending_by_an_interrupted_upgrade_and_rolls_it_back()
    {
        // What a `helm upgrade` killed halfway leaves behind: the release's newest revision marked pending-upgrade.
        const string release = LocalOperator.WorkspaceRelease;
        var latest = (await HelmRelease.RevisionsAsync(Plane, release)).MaxBy(r => r.Version)!;
        var pending = latest.Version + 1;
        await HelmRelease.WriteAsync(Plane, release, latest.Release, pending, "pending-upgrade", "Preparing upgrade");

        var install = await LocalOperator.StartAsync();

        Assert.True(install.Succeeded, install.ToString());
        Assert.Contains($"{release}: an earlier upgrade was interrupted", install.StdOut + install.StdErr);
        // The rolled-back revision keeps its pending label in the history (helm leaves it); what locks a release is only
        // its newest revision, which must be a deployed one made after it.
        var revisions = await HelmRelease.RevisionsAsync(Plane, release);
        output.WriteLine(string.Join(", ", revisions.OrderBy(r => r.Version).Select(r => $"v{r.Version} {r.Status}")));
        var newest = revisions.MaxBy(r => r.Version)!;
        Assert.Equal("deployed", newest.Status);
        Assert.True(newest.Version > pending, $"no revision after the pending v{pending}");
    }

    [Fact]
    public async Task An_install_finds_a_first_install_left_pending_and_installs_the_release_anew()
    {
        // What a first `helm install` killed halfway leaves behind: one revision, marked pending-install.
        const string release = LocalOperator.RagEngineRelease;
        var latest = (await HelmRelease.RevisionsAsync(Plane, release)).MaxBy(r => r.Version)!;
        await Plane.KubectlOkAsync("delete", "secrets", "-n", LocalOperator.Namespace, "-l", $"owner=helm,name={release}");
        await HelmRelease.WriteAsync(Plane, release, latest.Release, 1, "pending-install", "Initial install underway");

        var install = await LocalOperator.StartAsync();

        Assert.True(install.Succeeded, install.ToString());
        Assert.Contains($"{release}: an earlier install was interrupted", install.StdOut + install.StdErr);
        var revisions = await HelmRelease.RevisionsAsync(Plane, release);
        output.WriteLine(string.Join(", ", revisions.OrderBy(r => r.Version).Select(r => $"v{r.Version} {r.Status}")));
        // Uninstalling removed the pending revision with the rest of the release; the install made a new first revision.
        Assert.Equal(["deployed"], revisions.Select(r => r.Status));
        await Plane.KubectlOkAsync("rollout", "status", "deployment", release, "-n", LocalOperator.Namespace, "--timeout=120s");
    }

    [Fact]
    public async Task An_install_finds_a_test_patch_left_on_the_operator_and_restores_the_charts_pod_template()
    {
        // What a test run stopped between PatchDeploymentAsync and its undo leaves behind: the changed pod template, marked.
        await LocalOperator.PatchDeploymentAsync(new JsonArray(new JsonObject
        {
            // The chart sets no environment on the container (a test's env list replaces none).
            ["op"] = "add", ["path"] = "/spec/template/spec/containers/0/env",
            ["value"] = new JsonArray(new JsonObject { ["name"] = "KAITO_LEFT_BY_A_TEST", ["value"] = "1" }),
        }));
        Assert.Contains("KAITO_LEFT_BY_A_TEST", await EnvironmentNamesAsync());

        var install = await LocalOperator.StartAsync();

        Assert.True(install.Succeeded, install.ToString());
        Assert.Contains($"{LocalOperator.WorkspaceRelease}: a test's change to its pod template was left behind", install.StdOut + install.StdErr);
        Assert.DoesNotContain("KAITO_LEFT_BY_A_TEST", await EnvironmentNamesAsync());
        var annotations = (await Plane.GetJsonAsync("deployment", LocalOperator.WorkspaceRelease, "-n", LocalOperator.Namespace))["metadata"]!["annotations"]!.AsObject();
        Assert.False(annotations.ContainsKey(LocalOperator.TestPatchAnnotation));
        Assert.Contains("meta.helm.sh/release-name", annotations.Select(a => a.Key));
        // The next install finds nothing to restore.
        var again = await LocalOperator.StartAsync();
        Assert.True(again.Succeeded, again.ToString());
        Assert.DoesNotContain("left behind", again.StdOut + again.StdErr);
    }

    async Task<List<string>> EnvironmentNamesAsync() =>
        [.. (await Plane.KubectlOkAsync("get", "deployment", LocalOperator.WorkspaceRelease, "-n", LocalOperator.Namespace,
            "-o", "jsonpath={.spec.template.spec.containers[0].env[*].name}")).StdOut.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    [Fact]
    public async Task Two_replicas_keep_one_leader_that_hands_over_on_a_graceful_stop_and_is_replaced_after_a_forced_deletion_and_a_runtime_kill()
    {
        var scaled = await LocalOperator.RestartAsync(new Dictionary<string, string> { ["KAITO_OPERATOR_REPLICAS"] = "2" });
        Assert.True(scaled.Succeeded, scaled.ToString());
        var pods = await Eventually.WaitAsync(async () => await LocalOperator.PodsAsync() is { Count: 2 } p && p.All(x => x.Ready) ? p : null,
            TimeSpan.FromMinutes(2), "two Ready operator pods");
        var leader = await Eventually.WaitAsync(() => LocalOperator.LeaderPodAsync(), TimeSpan.FromMinutes(1), "a leader");
        Assert.Contains(pods, p => p.Name == leader);
        // Exactly one of them reconciles: only the leader's log says it became leader.
        foreach (var pod in pods)
        {
            var log = await Plane.KubectlAsync(["logs", pod.Name, "-n", LocalOperator.Namespace]);
            Assert.Equal(pod.Name == leader, log.StdOut.Contains("became leader", StringComparison.Ordinal));
        }

        await using var ns = await Plane.CreateNamespaceAsync("failover");
        var created = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], WorkspaceManifests.Inference("failover-a"));
        Assert.True(created.Succeeded, created.ToString());

        // 1. A graceful deletion (a rollout, a node drain): the leader hands the Lease over as its shutdown begins, while its
        //    webhooks still drain, so a successor need not wait for the drain to end (or, if the kubelet kills the pod
        //    first, for the Lease to expire).
        var oldLeaderLog = Plane.KubectlAsync(["logs", "--follow", leader, "-n", LocalOperator.Namespace]);   // ends when its container exits
        var stopped = await Plane.KubectlAsync(["delete", "pod", leader, "-n", LocalOperator.Namespace, "--wait=false"]);
        Assert.True(stopped.Succeeded, stopped.ToString());
        var clock = Stopwatch.StartNew();
        var successor = await Eventually.WaitAsync(async () => await LocalOperator.LeaderPodAsync() is { } l && l != leader ? l : null,
            TimeSpan.FromMinutes(2), "another pod to take the Lease after the leader pod was deleted gracefully");
        output.WriteLine($"graceful deletion of {leader}: {successor} leads after {clock.Elapsed.TotalSeconds:0.0}s");
        var oldLog = (await oldLeaderLog).StdOut;
        var released = oldLog.IndexOf("released the lease", StringComparison.Ordinal);
        var drainOver = oldLog.IndexOf("drain over", StringComparison.Ordinal);
        Assert.True(released >= 0 && drainOver > released,
            $"the old leader should release the Lease before its drain ends (released at {released}, drain over at {drainOver}); its log ends:\n{oldLog[Math.Max(0, oldLog.Length - 3000)..]}");

        // 2. The leader pod force-deleted while it reconciles: a surviving pod takes the Lease.
        pods = await Eventually.WaitAsync(async () => await LocalOperator.PodsAsync() is { Count: 2 } p && p.All(x => x.Ready) ? p : null,
            TimeSpan.FromMinutes(2), "two Ready operator pods again");
        leader = await Eventually.WaitAsync(() => LocalOperator.LeaderPodAsync(), TimeSpan.FromMinutes(1), "a leader");
        var deleted = await Plane.KubectlAsync(["delete", "pod", leader, "-n", LocalOperator.Namespace, "--grace-period=0", "--force"]);
        Assert.True(deleted.Succeeded, deleted.ToString());
        clock.Restart();
        var next = await Eventually.WaitAsync(async () => await LocalOperator.LeaderPodAsync() is { } l && l != leader ? l : null,
            TimeSpan.FromMinutes(2), "another pod to take the Lease after the leader pod was force-deleted");
        // The forced deletion leaves the kubelet 2 s: enough to release the Lease, or not, in which case the standby and
        // the pod that replaces the deleted one race for it once it expires. Either may win.
        var standby = pods.Any(p => p.Name == next);
        output.WriteLine($"forced deletion of {leader}: {next} ({(standby ? "the standby" : "the replacement pod")}) leads after "
            + $"{clock.Elapsed.TotalSeconds:0.0}s (Lease duration {LeaseDuration.TotalSeconds}s)");
        Assert.Contains(await LocalOperator.PodsAsync(), p => p.Name == next);   // a live pod, not the deleted one

        // 3. The new leader's container killed by the runtime (SIGKILL through containerd): the Lease moves or the
        //    restarted container resumes it; either way a live pod leads and its container restarted.
        // A replacement pod can lead before the kubelet's next status update names its container: wait for the name.
        var containerId = await Eventually.WaitAsync(async () =>
            (await Plane.KubectlAsync(["get", "pod", next, "-n", LocalOperator.Namespace, "-o", "jsonpath={.status.containerStatuses[0].containerID}"]))
                .StdOut.Trim().Replace("containerd://", "", StringComparison.Ordinal) is { Length: > 0 } id ? id : null,
            TimeSpan.FromSeconds(60), $"the kubelet to report the container of {next}");
        var restartsBefore = (await LocalOperator.PodsAsync()).Single(p => p.Name == next).RestartCount;
        var killed = await ProcessRunner.RunAsync("ctr", ["--address", "/run/kaito-node/containerd.sock", "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", containerId]);
        Assert.True(killed.Succeeded, killed.ToString());
        clock.Restart();
        var renewedAfterKill = await Eventually.WaitAsync(async () =>
        {
            var lease = JsonNode.Parse((await Plane.KubectlAsync(["get", "lease", $"{LocalOperator.WorkspaceRelease}-leader", "-n", LocalOperator.Namespace, "-o", "json"])).StdOut)!;
            var renew = DateTimeOffset.Parse(lease["spec"]!["renewTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            var holder = await LocalOperator.LeaderPodAsync();
            var live = await LocalOperator.PodsAsync();
            return renew > DateTimeOffset.UtcNow - TimeSpan.FromSeconds(5) && live.Any(p => p.Name == holder && p.Ready)
                && live.Single(p => p.Name == next).RestartCount > restartsBefore ? holder : null;
        }, TimeSpan.FromMinutes(3), "a live pod to renew the Lease after the leader's container was killed");
        output.WriteLine($"runtime kill of {next}'s container: {renewedAfterKill} leads, {clock.Elapsed.TotalSeconds:0.0}s later");

        // Through both: the Workspace converges with exactly the NodeClaims it needs.
        var converged = await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", "--timeout=180s", "workspace/failover-a"]);
        Assert.True(converged.Succeeded, converged.ToString());
        var target = int.Parse((await Plane.KubectlAsync(["get", "workspace", "failover-a", "-n", ns.Name, "-o", "jsonpath={.status.targetNodeCount}"])).StdOut.Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
        var claims = (await Plane.KubectlAsync(["get", "nodeclaims", "-l", $"kaito.sh/workspace=failover-a,kaito.sh/workspacenamespace={ns.Name}", "-o", "name"])).StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(target, claims.Length);
    }

    [Fact]
    public async Task The_default_certificate_mode_serves_admission_from_a_cold_start()
    {
        var secret = $"{LocalOperator.WorkspaceRelease}-webhook-cert";
        await LocalOperator.StopAsync();
        Assert.True((await Plane.KubectlAsync(["delete", "secret", secret, "-n", LocalOperator.Namespace, "--ignore-not-found"])).Succeeded);

        // helm upgrade restores the webhook configurations (without a CA bundle) and the replicas; the new pod writes a
        // new CA and certificate into the Secret and the CA into the configurations.
        var started = await LocalOperator.StartAsync();
        Assert.True(started.Succeeded, started.ToString());
        var ca = (await Plane.KubectlAsync(["get", "secret", secret, "-n", LocalOperator.Namespace, "-o", "jsonpath={.data.ca\\.crt}"])).StdOut.Trim();
        Assert.NotEmpty(ca);
        foreach (var kind in new[] { "mutating", "validating" })
        {
            var bundle = (await Plane.KubectlAsync(["get", $"{kind}webhookconfiguration", $"{LocalOperator.WorkspaceRelease}-{kind}-webhooks",
                "-o", "jsonpath={.webhooks[0].clientConfig.caBundle}"])).StdOut.Trim();
            Assert.Equal(ca, bundle);
        }
        var denied = await Plane.KubectlAsync(["apply", "--dry-run=server", "-f", "-"], WorkspaceManifests.Inference("cold-start", "Standard_NC6s_v4"));
        Assert.False(denied.Succeeded);
        Assert.Contains("resource.instanceType", denied.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_and_metrics_reach_through_the_cluster_and_the_pod_runs_locked_down()
    {
        var logs = await Plane.KubectlAsync(["logs", $"deployment/{LocalOperator.WorkspaceRelease}", "-n", LocalOperator.Namespace, "--tail=20"]);
        Assert.True(logs.Succeeded, logs.ToString());
        var lines = logs.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
            Assert.NotNull(JsonNode.Parse(line)?["LogLevel"]);

        var metrics = await Plane.KubectlAsync(["get", "--raw",
            $"/api/v1/namespaces/{LocalOperator.Namespace}/services/{LocalOperator.WorkspaceRelease}:metrics/proxy/metrics"]);
        Assert.True(metrics.Succeeded, metrics.ToString());
        Assert.Contains("# TYPE controller_runtime_reconcile_total counter", metrics.StdOut, StringComparison.Ordinal);

        var pod = JsonNode.Parse((await Plane.KubectlAsync(["get", "pods", "-n", LocalOperator.Namespace, "-l",
            $"app.kubernetes.io/instance={LocalOperator.WorkspaceRelease}", "-o", "json"])).StdOut)!["items"]![0]!;
        Assert.Equal("kaito-node", pod["spec"]!["nodeName"]!.GetValue<string>());
        Assert.Equal(LocalOperator.WorkspaceRelease, pod["spec"]!["serviceAccountName"]!.GetValue<string>());
        var security = pod["spec"]!["containers"]![0]!["securityContext"]!;
        Assert.True(security["readOnlyRootFilesystem"]!.GetValue<bool>());
        Assert.False(security["allowPrivilegeEscalation"]!.GetValue<bool>());
        Assert.Equal(65532, pod["spec"]!["securityContext"]!["runAsUser"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_image_has_no_shell_and_runs_as_a_non_root_user()
    {
        var image = await DeployedImageAsync();
        var user = await ProcessRunner.RunAsync(Docker, ["-H", DockerHost, "image", "inspect", image, "--format", "{{.Config.User}}"]);
        Assert.True(user.Succeeded, user.ToString());
        Assert.Equal("65532:65532", user.StdOut.Trim());
        foreach (var shell in new[] { "/bin/sh", "/bin/bash", "/usr/bin/apt-get", "/usr/bin/dpkg" })
        {
            var run = await ProcessRunner.RunAsync(Docker, ["-H", DockerHost, "run", "--rm", "--network", "none", "--entrypoint", shell, image, "-c", "true"]);
            Assert.False(run.Succeeded, $"{shell} ran in {image}");
        }
        // The executable itself starts there: a bad flag is refused by name, which needs the C library and runtime to load.
        var flag = await ProcessRunner.RunAsync(Docker, ["-H", DockerHost, "run", "--rm", "--network", "none", image, "--workers", "0"]);
        Assert.False(flag.Succeeded);
        Assert.Contains("--workers", flag.StdOut + flag.StdErr, StringComparison.Ordinal);
    }
}
