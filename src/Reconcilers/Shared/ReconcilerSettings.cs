using Kaito.Presets;

namespace Kaito.Reconcilers.Shared;

/// <summary>Operator-wide settings the reconciler depends on.</summary>
public sealed record ReconcilerSettings(NodeProvisioning Provisioning = NodeProvisioning.GpuProvisioner, string Cloud = "azure", bool VllmGate = true,
    string RagImage = Manifests.RAGEngineManifests.DefaultImage, TimeSpan? InferenceSetScaleDownCooldown = null,
    string PresetRegistry = ModelImages.DefaultRegistry, string KedaScalerAddress = KedaAutoscaling.DefaultScalerAddress,
    Manifests.TuningImages? TuningImages = null, Kaito.Presets.HuggingFace.HubClient? Hub = null)
{
    /// <summary>The downloader, pusher and adapter base images of tuning Jobs (<see cref="Manifests.TuningImages"/>).</summary>
    public Manifests.TuningImages Tuning => TuningImages ?? Manifests.TuningImages.Default;

    /// <summary>How long an InferenceSet keeps Workspaces above spec.replicas (<see cref="Kaito.Presets.ScaleDownCooldown"/>).</summary>
    public TimeSpan ScaleDownCooldown => InferenceSetScaleDownCooldown ?? Kaito.Presets.ScaleDownCooldown.Default;

    /// <summary>The operator creates the GPU nodes (NodeClaims, or a NodePool under Karpenter).</summary>
    public bool NodeAutoProvisioning => Provisioning.CreatesNodes();

    /// <summary>Where preset images come from (<see cref="ModelImages"/>).</summary>
    public ModelImages Images => new(PresetRegistry);

    public bool Karpenter => Provisioning == NodeProvisioning.Karpenter;

    public const string FieldManager = "kaito-operator";
    public const string AppliedHashAnnotation = "kaito.sh/applied-hash";
}
