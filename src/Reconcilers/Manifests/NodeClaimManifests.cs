using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>NodeClaims for the gpu-provisioner, with deterministic names (a retry never duplicates a node).</summary>
public static class NodeClaimManifests
{
    /// <summary>The name of the index-th NodeClaim of a Workspace; the same inputs always give the same name.</summary>
    public static string Name(Workspace workspace, int index) => throw new NotImplementedException();

    public static NodeClaim Build(Workspace workspace, string instanceType, int index, string cloud) => throw new NotImplementedException();
}
