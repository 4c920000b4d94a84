using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>Feature gates that change admission (names as KAITO's --feature-gates keys).</summary>
public sealed record FeatureGates(bool Vllm = true, bool EnableMig = false, bool EnableAccelerator = false, bool InferenceSetController = true)
{
    /// <summary>Every gate at its default: one instance, read by every admission that sets none.</summary>
    public static FeatureGates Defaults { get; } = new();
}

/// <summary>Operator-wide settings the rules depend on.</summary>
/// <param name="Cloud">SKU catalog used for instance types: azure, aws or arc.</param>
/// <param name="ReleaseNamespace">Namespace of the operator (default ConfigMaps live there).</param>
/// <param name="Hub">Where Hugging Face models outside the catalog are sized from; null refuses them as unknown presets.</param>
public sealed record AdmissionSettings(
    NodeProvisioning Provisioning = NodeProvisioning.GpuProvisioner,
    string Cloud = "azure",
    FeatureGates? Gates = null,
    string ReleaseNamespace = "kaito-system",
    Kaito.Presets.HuggingFace.HubClient? Hub = null)
{
    /// <summary>
    /// How long admission waits for the Hub: past it the Workspace is admitted with a warning that the fit check is deferred
    /// to the reconciler (kubectl apply never hangs on the Hub; the webhook's own timeout is 10 s).
    /// </summary>
    public static readonly TimeSpan HubBudget = TimeSpan.FromSeconds(3);

    public FeatureGates FeatureGates => Gates ?? FeatureGates.Defaults;

    /// <summary>The operator creates the nodes (gpu-provisioner or Karpenter): instanceType is required and checked against the SKU catalog.</summary>
    public bool AutoProvisioning => Provisioning.CreatesNodes();
}
