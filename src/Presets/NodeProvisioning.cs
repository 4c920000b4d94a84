namespace Kaito.Presets;

/// <summary>How GPU nodes are obtained: NodeClaims for the gpu-provisioner, a NodePool per Workspace for Karpenter, or the user's own nodes.</summary>
public enum NodeProvisioning
{
    GpuProvisioner,
    BringYourOwn,
    Karpenter,
}

public static class NodeProvisioningExtensions
{
    /// <summary>The operator creates the nodes (gpu-provisioner or Karpenter), so instanceType names a SKU of the catalog.</summary>
    public static bool CreatesNodes(this NodeProvisioning provisioning) => provisioning != NodeProvisioning.BringYourOwn;
}
