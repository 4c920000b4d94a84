namespace Kaito.Api.V1Beta1;

public static class Annotations
{
    public const string Runtime = "kaito.sh/runtime";
    public const string BypassResourceChecks = "kaito.sh/bypass-resource-checks";
    public const string EnableLoadBalancer = "kaito.sh/enablelb";
    public const string NodeImageFamily = "kaito.sh/node-image-family";
    public const string NodeClassName = "kaito.sh/node-class-name";
    public const string DisableBenchmark = "kaito.sh/disable-benchmark";
    public const string PerformanceMode = "kaito.sh/performance-mode";
    public const string UseLocalWeights = "kaito.sh/use-local-weights";
    public const string ModelStreaming = "kaito.sh/model-streaming";

    /// <summary>The GPUs of an instance type the SKU catalog does not list, as "&lt;count&gt;x&lt;memory per GPU&gt;Gi[/&lt;GPU model&gt;]".</summary>
    public const string SkuGpus = "kaito.sh/sku-gpus";

    /// <summary>"true": the operator leaves the Workspace alone (no nodes, no workload, no status) until removed.</summary>
    public const string Paused = "kaito.sh/paused";
    public const string WorkspaceRevision = "workspace.kaito.io/revision";
    public const string RAGEngineRevision = "ragengine.kaito.io/revision";

    /// <summary>kubectl's (client-side apply) copy of the whole object as last applied; nothing in the operator reads it.</summary>
    public const string KubectlLastAppliedConfiguration = "kubectl.kubernetes.io/last-applied-configuration";
}

public static class Labels
{
    public const string Workspace = "kaito.sh/workspace";
    public const string WorkspaceNamespace = "kaito.sh/workspacenamespace";
    public const string RAGEngine = "kaito.sh/ragengine";
    public const string RAGEngineNamespace = "kaito.sh/ragenginenamespace";
    public const string MachineType = "kaito.sh/machine-type";

    /// <summary>Keys the operator owns; they are removed from a user's label selector.</summary>
    public static readonly IReadOnlySet<string> ReservedSelectorKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        Workspace, WorkspaceNamespace, RAGEngine, RAGEngineNamespace,
        "karpenter.kaito.sh/workspace-name", "karpenter.kaito.sh/workspace-namespace",
        "karpenter.kaito.sh/inferenceset", "karpenter.kaito.sh/inferenceset-namespace",
    };
}

public static class Finalizers
{
    public const string Workspace = "workspace.finalizer.kaito.sh";
    public const string RAGEngine = "ragengine.finalizer.kaito.sh";
    public const string InferenceSet = "inferenceset.finalizer.kaito.sh";
}

public static class Runtimes
{
    public const string Vllm = "vllm";
    public const string Transformers = "transformers";

    public static readonly IReadOnlyList<string> All = [Vllm, Transformers];
}
