using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Runtime;
using Kaito.Presets;

namespace Kaito.Reconcilers.Workspaces;

/// <summary>The informer caches the Workspace reconciler reads; every write goes to the API server.</summary>
public sealed record WorkspaceCaches(
    IResourceCache<Workspace> Workspaces,
    IResourceCache<NodeClaim> NodeClaims,
    IResourceCache<V1Node> Nodes,
    IResourceCache<V1Pod> Pods,
    IResourceCache<V1Deployment> Deployments,
    IResourceCache<V1StatefulSet> StatefulSets,
    IResourceCache<V1Service> Services,
    IResourceCache<V1Job> Jobs);
