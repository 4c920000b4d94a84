using k8s;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Runtime;
using Microsoft.Extensions.Logging;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Workspaces;

/// <summary>
/// Wires the Workspace controller: informers for Workspaces and everything they own, events mapped to
/// the owning Workspace's key, and the workers. Children are found by the kaito.sh/workspace label
/// (NodeClaims and Nodes also by kaito.sh/workspacenamespace, since they are cluster-scoped).
/// </summary>
public sealed class WorkspaceControllerHost
{
    const string Owned = Labels.Workspace;
    readonly ControllerBuilder builder;

    public WorkspaceControllerHost(IKubernetes client, ReconcilerSettings settings, ILoggerFactory loggers, int workers = 4)
    {
        builder = new ControllerBuilder("workspace", loggers, new OwnerIndex(Labels.Workspace, Labels.WorkspaceNamespace));
        var workspaces = builder.For(ResourceSources.Workspaces(client));
        var caches = new WorkspaceCaches(
            workspaces,
            builder.Owns(ResourceSources.NodeClaims(client, Owned), CacheTrims.NodeClaim, indexed: true),
            // Provisioned nodes carry their Workspace's labels; a user's own node matters to the Workspaces naming it in
            // preferredNodes, or to any Workspace when nodes are not auto-provisioned.
            builder.Watches(ResourceSources.Nodes(client), CacheTrims.Node, node =>
            {
                if (builder.EnqueueOwner(node.Metadata)) return;
                foreach (var ws in workspaces.All)
                {
                    if (!settings.NodeAutoProvisioning || ws.Resource?.PreferredNodes?.Contains(node.Metadata.Name) == true)
                        builder.Queue.Add(new ObjectKey(ws.Metadata.NamespaceProperty, ws.Metadata.Name));
                }
            }),
            builder.Owns(ResourceSources.Pods(client, Owned), CacheTrims.Pod, indexed: true),
            builder.Owns(ResourceSources.Deployments(client, Owned), CacheTrims.Deployment),
            builder.Owns(ResourceSources.StatefulSets(client, Owned), CacheTrims.StatefulSet),
            builder.Owns(ResourceSources.Services(client, Owned), CacheTrims.Service),
            builder.Owns(ResourceSources.Jobs(client, Owned), CacheTrims.Job));
        Reconciler = new WorkspaceReconciler(client, caches, settings, new EventRecorder(client), loggers.CreateLogger<WorkspaceReconciler>());
        Controller = builder.Complete(Reconciler, workers);

        RuntimeMetrics.Default.Gauge("kaito_workspaces", () => CountByCondition(workspaces.All.Select(w => w.Status?.Conditions), ConditionTypes.WorkspaceSucceeded));
        RuntimeMetrics.Default.Gauge("kaito_workspace_nodeclaims", () => [("", caches.NodeClaims.Count)]);
        Workspaces = workspaces;
    }

    public WorkQueue Queue => builder.Queue;

    public WorkspaceReconciler Reconciler { get; }

    public Controller Controller { get; }

    public IResourceCache<Workspace> Workspaces { get; }

    public Task RunAsync(CancellationToken cancellationToken) => builder.Run(cancellationToken);

    /// <summary>Samples "succeeded=true|false" of the given condition type, for the kaito_* gauges.</summary>
    public static IEnumerable<(string, double)> CountByCondition(IEnumerable<IList<V1Condition>?> conditions, string type)
    {
        var all = conditions.Select(c => c?.Any(x => x.Type == type && x.Status == "True") == true).ToList();
        return [("succeeded=\"true\"", all.Count(x => x)), ("succeeded=\"false\"", all.Count(x => !x))];
    }
}
