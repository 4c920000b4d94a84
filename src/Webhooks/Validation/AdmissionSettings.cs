using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>Feature gates that change admission (names as KAITO's --feature-gates keys).</summary>
public sealed record FeatureGates(bool Vllm = true, bool EnableMig = false, bool EnableAccelerator = false, bool InferenceSetController = true);

/// <summary>Operator-wide settings the rules depend on.</summary>
/// <param name="Cloud">SKU catalog used for instance types: azure, aws or arc.</param>
/// <param name="ReleaseNamespace">Namespace of the operator (default ConfigMaps live there).</param>
public sealed record AdmissionSettings(
    NodeProvisioning Provisioning = NodeProvisioning.GpuProvisioner,
    string Cloud = "azure",
    FeatureGates? Gates = null,
    string ReleaseNamespace = "kaito-system")
{
    public FeatureGates FeatureGates => Gates ?? new FeatureGates();

    /// <summary>The operator creates the nodes (gpu-provisioner or Karpenter): instanceType is required and checked against the SKU catalog.</summary>
    public bool AutoProvisioning => Provisioning.CreatesNodes();
}
