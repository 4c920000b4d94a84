using Kaito.Presets;

namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// Everything the pure manifest builders need beyond the Workspace itself, decided by the reconciler
/// from src/Presets (model, runtime, GPU shape, node count) and from the cluster (node names).
/// </summary>
/// <param name="Runtime">vllm or transformers.</param>
/// <param name="Nodes">Number of GPU nodes (pods): 1 → Deployment, more → StatefulSet + headless Service.</param>
/// <param name="GpusPerNode">GPUs each pod requests (nvidia.com/gpu limit).</param>
/// <param name="MaxModelLen">Context length passed to vLLM (--max-model-len), from the capacity plan.</param>
/// <param name="Dtype">bfloat16, or float16 on GPUs without bf16 (V100, T4).</param>
/// <param name="NodeNames">The nodes the workload may run on (node affinity), sorted.</param>
/// <param name="Image">The model server (or trainer) image; null means the catalog's (<see cref="ModelImages"/>).</param>
/// <param name="Revision">Revision number recorded on the workload (annotation workspace.kaito.io/revision).</param>
public sealed record WorkloadPlan(
    ModelPreset? Model,
    string Runtime,
    int Nodes,
    int GpusPerNode,
    int? MaxModelLen,
    string Dtype,
    IReadOnlyList<string> NodeNames,
    long Revision = 1,
    string? Image = null)
{
    /// <summary>The image of the preset container.</summary>
    public string ImageOf(ModelPreset model) => Image ?? ModelImages.Default.For(model);
}
