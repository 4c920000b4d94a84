using System.Globalization;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Manifests;
using Kaito.Reconcilers.Workspaces;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Tests;

/// <summary>Builds plans the way the reconciler will: model and SKU from src/Presets, layout from the capacity planner.</summary>
static class Fixtures
{
    public const string Namespace = "default";
    public const string Uid = "00000000-0000-0000-0000-000000000001";

    public static Workspace Prepare(Workspace workspace)
    {
        workspace.Metadata.NamespaceProperty ??= Namespace;
        workspace.Metadata.Uid ??= Uid;
        return workspace;
    }

    public static RAGEngine Prepare(RAGEngine rag)
    {
        rag.Metadata.NamespaceProperty ??= Namespace;
        rag.Metadata.Uid ??= Uid;
        return rag;
    }

    /// <summary>Every manifest the operator would create for the RAGEngine under node auto-provisioning on azure.</summary>
    public static string Render(RAGEngine rag) => Yaml(Documents(rag, new ReconcilerSettings()));

    /// <summary>The manifests the RAGEngine reconciler writes for <paramref name="rag"/> under <paramref name="settings"/>.</summary>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Documents(RAGEngine rag, ReconcilerSettings settings)
    {
        var compute = Kaito.Reconcilers.RAGEngines.RAGEnginePlanner.Plan(rag, settings);
        var documents = new List<IKubernetesObject<V1ObjectMeta>>();
        if (compute.ProvisionNodeClaim) documents.Add(Kaito.Reconcilers.RAGEngines.RAGEngineNodeClaims.Build(rag, compute.InstanceType!, settings.Cloud));
        var workload = RAGEngineManifests.Build(rag, new RAGEngineWorkloadPlan
        {
            Image = settings.RagImage,
            Gpus = compute.Gpus,
            NodeNames = compute.NeedsGpuNode ? [Kaito.Reconcilers.RAGEngines.RAGEngineNodeClaims.Name(rag)] : [],
            NodeSelector = compute.CpuNodeSelector,
        });
        documents.Add(workload.Config);
        if (workload.DefaultGuardrails is not null) documents.Add(workload.DefaultGuardrails);
        documents.Add(workload.Deployment);
        documents.Add(workload.Service);
        return documents;
    }

    static string Yaml(IEnumerable<object> documents) =>
        string.Join("---\n", documents.Select(d => KubernetesYaml.Serialize(d).TrimEnd('\n') + "\n"));

    /// <summary>
    /// The reconciler's own plan (<see cref="WorkspacePlanner"/>, gpu-provisioner on azure), with the NodeClaims' names as
    /// the nodes it runs on: golden files show what the operator writes, not what a copy of its planner would.
    /// </summary>
    public static WorkloadPlan PlanFor(Workspace workspace)
    {
        var plan = WorkspacePlanner.Plan(workspace, new ReconcilerSettings(), []);
        if (plan.Workload is null) throw new InvalidOperationException($"no plan for {workspace.Metadata.Name}: {plan.Problem}");
        return plan.Workload with { NodeNames = [.. Enumerable.Range(0, plan.TargetNodes).Select(i => NodeClaimManifests.Name(workspace, i))] };
    }

    /// <summary>Every manifest the operator would create for the workspace, as one multi-document YAML stream.</summary>
    public static string Render(Workspace workspace) =>
        Yaml(Documents(workspace, new ReconcilerSettings())
            ?? throw new InvalidOperationException($"no plan for {workspace.Metadata.Name}: {WorkspacePlanner.Plan(workspace, new ReconcilerSettings(), []).Problem}"));

    /// <summary>
    /// The manifests the Workspace reconciler writes for <paramref name="workspace"/> under <paramref name="settings"/>
    /// (NodeClaims or a Karpenter NodePool, then the tuning Job or the inference workload and Services), planned by
    /// the reconciler's own planner with the NodeClaims' names as its nodes; null when the planner has no plan.
    /// </summary>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>>? Documents(Workspace workspace, ReconcilerSettings settings)
    {
        var planned = WorkspacePlanner.Plan(workspace, settings, []);
        if (planned.Workload is null) return null;
        var plan = planned.Workload with { NodeNames = [.. Enumerable.Range(0, planned.TargetNodes).Select(i => NodeClaimManifests.Name(workspace, i))] };
        var documents = new List<IKubernetesObject<V1ObjectMeta>>();
        if (settings.Karpenter) documents.Add(NodePoolManifests.Build(workspace, workspace.Resource!.InstanceType!, settings.Cloud, planned.TargetNodes, planned.Workload?.Model));
        else documents.AddRange(Enumerable.Range(0, planned.TargetNodes).Select(i => NodeClaimManifests.Build(workspace, workspace.Resource!.InstanceType!, i, settings.Cloud, planned.Workload?.Model)));
        if (workspace.Tuning is not null)
        {
            var tuning = TuningManifests.Build(workspace, plan);
            if (tuning.TrainingConfig is not null) documents.Add(tuning.TrainingConfig);
            if (tuning.EgressPolicy is not null) documents.Add(tuning.EgressPolicy);
            documents.Add(tuning.Job);
        }
        else
        {
            var inference = InferenceManifests.Build(workspace, plan);
            documents.Add((IKubernetesObject<V1ObjectMeta>?)inference.Deployment ?? inference.StatefulSet!);
            documents.Add(inference.Service);
            if (inference.HeadlessService is not null) documents.Add(inference.HeadlessService);
        }
        return documents;
    }

    /// <summary>A small inference workspace for focused tests.</summary>
    public static Workspace Inference(string preset = "phi-3-mini-4k-instruct", string name = "ws1", string ns = Namespace) => Prepare(new Workspace
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Resource = new ResourceSpec
        {
            InstanceType = "Standard_NC24ads_A100_v4",
            LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["apps"] = name } },
        },
        Inference = new InferenceSpec { Preset = new PresetSpec { Name = preset } },
    });

    public static WorkloadPlan Plan(int nodes = 1, int gpus = 1, string runtime = Runtimes.Vllm, string preset = "phi-3-mini-4k-instruct",
        string dtype = "bfloat16", int? maxModelLen = 4096) =>
        new(ModelCatalog.Default.Find(preset), runtime, nodes, gpus, maxModelLen, dtype,
            [.. Enumerable.Range(0, nodes).Select(i => $"node-{i}")]);

    public static V1Container MainContainer(InferenceWorkload workload) =>
        (workload.Deployment?.Spec.Template ?? workload.StatefulSet!.Spec.Template).Spec.Containers[0];

    public static V1PodTemplateSpec Template(InferenceWorkload workload) =>
        workload.Deployment?.Spec.Template ?? workload.StatefulSet!.Spec.Template;
}
