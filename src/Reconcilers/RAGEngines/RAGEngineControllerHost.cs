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
    readonly InformerSet informers;

    public RAGEngineControllerHost(IKubernetes client, ReconcilerSettings settings, ILoggerFactory loggers, int workers = 2)
    {
        informers = new InformerSet("ragengine", loggers.CreateLogger("informer"));
        var ownedBy = new OwnerIndex(Labels.RAGEngine, Labels.RAGEngineNamespace);
        var ragEngines = informers.Add(ResourceSources.RAGEngines(client));
        var nodeClaims = informers.Add(ResourceSources.NodeClaims(client, Owned), CacheTrims.NodeClaim, ownedBy);
        var nodes = informers.Add(ResourceSources.Nodes(client), CacheTrims.Node);
        var pods = informers.Add(ResourceSources.Pods(client, Owned), CacheTrims.Pod, ownedBy);
        var deployments = informers.Add(ResourceSources.Deployments(client, Owned), CacheTrims.Deployment);
        var services = informers.Add(ResourceSources.Services(client, Owned), CacheTrims.Service);
        var configMaps = informers.Add(ResourceSources.ConfigMaps(client, Owned), CacheTrims.ConfigMap);

        var metrics = RuntimeMetrics.Default;
        Queue = new WorkQueue(metrics: metrics.Queue("ragengine"));
        metrics.Queue("ragengine").Depth = () => Queue.Count;
        var owners = new OwnerKeys(Queue, ownedBy);
        Reconciler = new RAGEngineReconciler(client, new RAGEngineCaches(ragEngines, nodeClaims, nodes, pods, deployments, services, configMaps),
            settings, new EventRecorder(client), loggers.CreateLogger<RAGEngineReconciler>());
        Controller = new Controller("ragengine", Reconciler, Queue, workers, loggers.CreateLogger<Controller>());

        metrics.Gauge("kaito_ragengines", () => WorkspaceControllerHost.CountByCondition(ragEngines.All.Select(r => r.Status?.Conditions), ConditionTypes.RAGEngineSucceeded));
        ragEngines.Changed += (_, rag, _) => Queue.Add(new ObjectKey(rag.Metadata.NamespaceProperty, rag.Metadata.Name));
        nodeClaims.Changed += (_, claim, _) => owners.Enqueue(claim.Metadata);
        pods.Changed += (_, o, _) => owners.Enqueue(o.Metadata);
        deployments.Changed += (_, o, _) => owners.Enqueue(o.Metadata);
        services.Changed += (_, o, _) => owners.Enqueue(o.Metadata);
        configMaps.Changed += (_, o, _) => owners.Enqueue(o.Metadata);
        nodes.Changed += (_, node, _) =>
        {
            // A provisioned node names its RAGEngine; a user's own node may matter to any RAGEngine with a GPU embedding.
            if (!owners.Enqueue(node.Metadata) && !settings.NodeAutoProvisioning)
                foreach (var rag in ragEngines.All.Where(r => r.Spec?.Embedding?.Local is not null && r.Spec.Compute is not null))
                    Queue.Add(new ObjectKey(rag.Metadata.NamespaceProperty, rag.Metadata.Name));
        };
    }

    public WorkQueue Queue { get; }

    public RAGEngineReconciler Reconciler { get; }

    public Controller Controller { get; }

    public Task RunAsync(CancellationToken cancellationToken) => informers.RunAsync(Controller, cancellationToken);
}
