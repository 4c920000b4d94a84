using System.Text.Json.Nodes;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>
/// Workspaces through the whole operator on the real API server: NodeClaims become simulated GPU nodes,
/// the workload's pods run on them, conditions turn true; deletion releases the nodes.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
public sealed class WorkspaceLifecycleTests(ControlPlaneFixture fixture) : IAsyncLifetime
{
    static readonly TimeSpan Converge = TimeSpan.FromMinutes(3);

    ControlPlane Plane => fixture.Plane;

    public Task InitializeAsync() => fixture.Plane.EnsureOperatorAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string> InferenceExamples() =>
    [
        "examples/inference/kaito_workspace_phi_3.yaml",
        "examples/inference/kaito_workspace_phi_3_with_adapters.yaml",
        "examples/inference/kaito_workspace_falcon_7b.yaml",
        "examples/inference/kaito_workspace_falcon_7b_with_adapters.yaml",
        "examples/inference/kaito_workspace_phi_3.5-instruct.yaml",
    ];

    Task<JsonObject> GetJson(params string[] args) => Plane.GetJsonAsync(args);

    static string? ConditionStatus(JsonObject obj, string type) => KubectlJson.ConditionStatus(obj, type);

    [Theory]
    [MemberData(nameof(InferenceExamples))]
    public async Task Example_reaches_ready_with_nodeclaims_workload_service_and_gpu_limits(string example)
    {
        await using var ns = await Plane.CreateNamespaceAsync("life");
        var created = await Plane.KubectlAsync(["create", "-n", ns.Name, "-f", RepositoryPaths.Combine(example)]);
        Assert.True(created.Succeeded, created.ToString());
        var name = created.StdOut.Split('/')[1].Split(' ')[0];

        var workspace = await Eventually.WaitAsync(async () =>
        {
            var ws = await GetJson("workspace", name, "-n", ns.Name);
            return ConditionStatus(ws, "WorkspaceSucceeded") == "True" ? ws : null;
        }, Converge, $"{example} to succeed");

        Assert.Equal("True", ConditionStatus(workspace, "ResourceReady"));
        Assert.Equal("True", ConditionStatus(workspace, "InferenceReady"));
        Assert.Equal("Ready", workspace["status"]!["state"]!.GetValue<string>());
        var target = workspace["status"]!["targetNodeCount"]!.GetValue<int>();
        var claims = (await GetJson("nodeclaims", "-l", $"kaito.sh/workspace={name},kaito.sh/workspacenamespace={ns.Name}"))["items"]!.AsArray();
        Assert.Equal(target, claims.Count);
        var instanceType = workspace["resource"]!["instanceType"]!.GetValue<string>();
        Assert.All(claims, c => Assert.Contains(instanceType, c!["spec"]!["requirements"]!.ToJsonString(), StringComparison.Ordinal));
        var service = await GetJson("service", name, "-n", ns.Name);
        Assert.Equal(80, service["spec"]!["ports"]![0]!["port"]!.GetValue<int>());
        var pods = (await GetJson("pods", "-n", ns.Name, "-l", $"kaito.sh/workspace={name}"))["items"]!.AsArray();
        Assert.Equal(target, pods.Count);
        var gpus = pods[0]!["spec"]!["containers"]![0]!["resources"]!["limits"]!["nvidia.com/gpu"]!.ToString();
        var sku = Kaito.Presets.SkuCatalog.Default.Find("azure", instanceType)!;
        Assert.Equal(sku.GpuCount.ToString(System.Globalization.CultureInfo.InvariantCulture), gpus);
    }

    [Fact]
    public async Task Tuning_example_starts_its_job_and_succeeds_when_the_job_completes()
    {
        await using var ns = await Plane.CreateNamespaceAsync("tune");
        var created = await Plane.KubectlAsync(["create", "-n", ns.Name, "-f", RepositoryPaths.Combine("examples/fine-tuning/kaito_workspace_tuning_phi_3.yaml")]);
        Assert.True(created.Succeeded, created.ToString());

        var workspace = await Eventually.WaitAsync(async () =>
        {
            var ws = await GetJson("workspace", "workspace-tuning-phi-3", "-n", ns.Name);
            return ConditionStatus(ws, "WorkspaceSucceeded") == "True" ? ws : null;
        }, Converge, "the tuning workspace to succeed");

        Assert.Equal("True", ConditionStatus(workspace, "JobStarted"));
        Assert.Equal("Succeeded", workspace["status"]!["state"]!.GetValue<string>());
        var job = await GetJson("job", "workspace-tuning-phi-3", "-n", ns.Name);
        Assert.Equal(1, job["status"]!["succeeded"]!.GetValue<int>());
    }

    [Fact]
    public async Task Deleting_a_workspace_removes_its_nodeclaims_and_children_and_completes()
    {
        await using var ns = await Plane.CreateNamespaceAsync("delete");
        var created = await Plane.KubectlAsync(["create", "-n", ns.Name, "-f", RepositoryPaths.Combine("examples/inference/kaito_workspace_phi_3.yaml")]);
        Assert.True(created.Succeeded, created.ToString());
        await Eventually.WaitAsync(async () => ConditionStatus(await GetJson("workspace", "workspace-phi-3-mini", "-n", ns.Name), "ResourceReady") == "True",
            Converge, "nodes to be ready");

        var deleted = await Plane.KubectlAsync(["delete", "workspace", "workspace-phi-3-mini", "-n", ns.Name, "--timeout=120s"]);

        Assert.True(deleted.Succeeded, deleted.ToString());
        var claims = (await GetJson("nodeclaims", "-l", $"kaito.sh/workspace=workspace-phi-3-mini,kaito.sh/workspacenamespace={ns.Name}"))["items"]!.AsArray();
        Assert.Empty(claims);
        await Eventually.WaitAsync(async () => (await GetJson("deployments,services", "-n", ns.Name))["items"]!.AsArray().Count == 0,
            Converge, "children to be garbage-collected");
    }

    [Fact]
    public async Task Crash_looping_pod_turns_inference_ready_false_naming_it()
    {
        await using var ns = await Plane.CreateNamespaceAsync("crash");
        const string manifest = """
            apiVersion: kaito.sh/v1beta1
            kind: Workspace
            metadata:
              name: crashy
              annotations: {simulation.kaito.sh/pod-failure: CrashLoopBackOff}
            resource:
              instanceType: Standard_NC24ads_A100_v4
              labelSelector: {matchLabels: {apps: crashy}}
            inference:
              preset: {name: phi-3.5-mini-instruct}
            """;
        Assert.True((await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], manifest)).Succeeded);

        var workspace = await Eventually.WaitAsync(async () =>
        {
            var ws = await GetJson("workspace", "crashy", "-n", ns.Name);
            var inference = (ws["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => c?["type"]?.GetValue<string>() == "InferenceReady");
            return inference?["reason"]?.GetValue<string>() == "ContainerCrashLoopBackOff" ? ws : null;
        }, Converge, "InferenceReady to report the crash loop");

        var condition = (workspace["status"]!["conditions"] as JsonArray)!.First(c => c!["type"]!.GetValue<string>() == "InferenceReady")!;
        Assert.Equal("False", condition["status"]!.GetValue<string>());
        var pod = (await GetJson("pods", "-n", ns.Name, "-l", "kaito.sh/workspace=crashy"))["items"]![0]!["metadata"]!["name"]!.GetValue<string>();
        Assert.Contains(pod, condition["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("True", ConditionStatus(workspace, "ResourceReady"));
    }
}
