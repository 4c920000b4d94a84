using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Runtime;

namespace Kaito.Reconcilers.RAGEngines;

/// <summary>The informer caches the RAGEngine reconciler reads; children are those labelled kaito.sh/ragengine.</summary>
public sealed record RAGEngineCaches(
    IResourceCache<RAGEngine> RAGEngines,
    IResourceCache<NodeClaim> NodeClaims,
    IResourceCache<V1Node> Nodes,
    IResourceCache<V1Pod> Pods,
    IResourceCache<V1Deployment> Deployments,
    IResourceCache<V1Service> Services,
    IResourceCache<V1ConfigMap> ConfigMaps);
