using k8s;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Runtime;
using Kaito.Reconcilers.Workspaces;
using Microsoft.Extensions.Logging;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.RAGEngines;

/// <summary>
/// Wires the RAGEngine controller: informers for RAGEngines and what they own (found by the kaito.sh/ragengine label;
/// NodeClaims also by kaito.sh/ragenginenamespace, being cluster-scoped), events mapped to the owner's key, workers.
/// </summary>
public sealed class RAGEngineControllerHost
{
    const string Owned = Labels.RAGEngine;
    readonly ControllerBuilder builder;

    public RAGEngineControllerHost(IKubernetes client, ReconcilerSettings settings, ILoggerFactory loggers, int workers = 2)
    {
        builder = new ControllerBuilder("ragengine", loggers, new OwnerIndex(Labels.RAGEngine, Labels.RAGEngineNamespace));
        var ragEngines = builder.For(ResourceSources.RAGEngines(client));
        var caches = new RAGEngineCaches(
            ragEngines,
            builder.Owns(ResourceSources.NodeClaims(client, Owned), CacheTrims.NodeClaim, indexed: true),
            // A provisioned node names its RAGEngine; a user's own node may matter to any RAGEngine with a GPU embedding.
            builder.Watches(ResourceSources.Nodes(client), CacheTrims.Node, node =>
            {
                if (builder.EnqueueOwner(node.Metadata) || settings.NodeAutoProvisioning) return;
                foreach (var rag in ragEngines.All.Where(r => r.Spec?.Embedding?.Local is not null && r.Spec.Compute is not null))
                    builder.Queue.Add(new ObjectKey(rag.Metadata.NamespaceProperty, rag.Metadata.Name));
            }),
            builder.Owns(ResourceSources.Pods(client, Owned), CacheTrims.Pod, indexed: true),
            builder.Owns(ResourceSources.Deployments(client, Owned), CacheTrims.Deployment),
            builder.Owns(ResourceSources.Services(client, Owned), CacheTrims.Service),
            builder.Owns(ResourceSources.ConfigMaps(client, Owned), CacheTrims.ConfigMap));
        Reconciler = new RAGEngineReconciler(client, caches, settings, new EventRecorder(client), loggers.CreateLogger<RAGEngineReconciler>());
        Controller = builder.Complete(Reconciler, workers);

        RuntimeMetrics.Default.Gauge("kaito_ragengines", () => WorkspaceControllerHost.CountByCondition(ragEngines.All.Select(r => r.Status?.Conditions), ConditionTypes.RAGEngineSucceeded));
    }

    public WorkQueue Queue => builder.Queue;

    public RAGEngineReconciler Reconciler { get; }

    public Controller Controller { get; }

    public Task RunAsync(CancellationToken cancellationToken) => builder.Run(cancellationToken);
}
