using k8s;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Runtime;
using Kaito.Reconcilers.Workspaces;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Tests.Support;

/// <summary>A Workspace reconciler over in-memory caches, a recording API server and a fake clock.</summary>
sealed class WorkspaceWorld
{
    public static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly OwnerIndex Owned = new(Labels.Workspace, Labels.WorkspaceNamespace);

    public WorkspaceWorld(ReconcilerSettings? settings = null)
    {
        Settings = settings ?? new ReconcilerSettings();
        Reconciler = new WorkspaceReconciler(Api.Client, new WorkspaceCaches(Workspaces, NodeClaims, Nodes, Pods, Deployments, StatefulSets, Services, Jobs),
            Settings, new EventRecorder(Api.Client), NullLogger<WorkspaceReconciler>.Instance, Time);
    }

    public RecordingApiServer Api { get; } = new();
    public FakeTimeProvider Time { get; } = new(T0);
    public ReconcilerSettings Settings { get; }
    public WorkspaceReconciler Reconciler { get; }
    public MemoryCache<Workspace> Workspaces { get; } = new();
    public MemoryCache<NodeClaim> NodeClaims { get; } = new(Owned);
    public MemoryCache<V1Node> Nodes { get; } = new();
    public MemoryCache<V1Pod> Pods { get; } = new(Owned);
    public MemoryCache<V1Deployment> Deployments { get; } = new();
    public MemoryCache<V1StatefulSet> StatefulSets { get; } = new();
    public MemoryCache<V1Service> Services { get; } = new();
    public MemoryCache<V1Job> Jobs { get; } = new();

    public static string WorkspacePath(Workspace ws) => $"/apis/kaito.sh/v1beta1/namespaces/{ws.Metadata.NamespaceProperty}/workspaces/{ws.Metadata.Name}";

    /// <summary>A Workspace the API server and the cache both hold, finalizer already in place.</summary>
    public Workspace Add(Workspace workspace)
    {
        workspace.ApiVersion = "kaito.sh/v1beta1";
        workspace.Kind = "Workspace";
        workspace.Metadata.Generation ??= 1;
        workspace.Metadata.ResourceVersion ??= "1";
        workspace.Metadata.Finalizers ??= [Finalizers.Workspace];
        Workspaces.Put(workspace);
        Api.Hold(WorkspacePath(workspace), workspace);
        return workspace;
    }

    public Task<ReconcileResult> ReconcileAsync(Workspace ws) =>
        Reconciler.ReconcileAsync(new ObjectKey(ws.Metadata.NamespaceProperty, ws.Metadata.Name), CancellationToken.None);

    /// <summary>What the informer would show next: the status the reconciler patched, merged into the cached Workspace.</summary>
    public Workspace Observe(Workspace ws)
    {
        var held = Api.Get(WorkspacePath(ws));
        if (held?["status"] is { } status) ws.Status = KubernetesJson.Deserialize<WorkspaceStatus>(status.ToJsonString());
        if (held?["metadata"]?["finalizers"] is { } finalizers) ws.Metadata.Finalizers = KubernetesJson.Deserialize<List<string>>(finalizers.ToJsonString());
        Workspaces.Put(ws);
        return ws;
    }

    /// <summary>A NodeClaim the provisioner has made Ready, and its ready GPU node.</summary>
    public void ProvisionNode(NodeClaim claim, string instanceType, int gpus = 1)
    {
        var node = $"node-{claim.Metadata.Name}";
        claim.Status = new NodeClaimStatus { NodeName = node, Conditions = [new V1Condition { Type = "Ready", Status = "True", Reason = "Ready", Message = "", LastTransitionTime = T0.UtcDateTime }] };
        NodeClaims.Put(claim);
        Nodes.Put(GpuNode(node, instanceType, gpus, claim.Metadata.Labels));
    }

    public static V1Node GpuNode(string name, string instanceType, int gpus, IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string>(labels ?? new Dictionary<string, string>())
            {
                ["node.kubernetes.io/instance-type"] = instanceType,
                ["nvidia.com/gpu.product"] = "NVIDIA-A100-PCIE-80GB",
                ["nvidia.com/gpu.memory"] = "81920",
                ["nvidia.com/gpu.count"] = gpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        },
        Status = new V1NodeStatus
        {
            Allocatable = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new(gpus.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            Conditions = [new V1NodeCondition { Type = "Ready", Status = "True" }],
        },
    };
}
