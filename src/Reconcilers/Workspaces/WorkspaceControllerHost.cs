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
    readonly InformerSet informers;
    readonly Informer<Workspace> workspaces;

    public WorkspaceControllerHost(IKubernetes client, ReconcilerSettings settings, ILoggerFactory loggers, int workers = 4)
    {
        informers = new InformerSet("workspace", loggers.CreateLogger("informer"));
        var ownedBy = new OwnerIndex(Labels.Workspace, Labels.WorkspaceNamespace);
        workspaces = informers.Add(ResourceSources.Workspaces(client));
        var nodeClaims = informers.Add(ResourceSources.NodeClaims(client, Owned), CacheTrims.NodeClaim, ownedBy);
        var nodes = informers.Add(ResourceSources.Nodes(client), CacheTrims.Node);
        var pods = informers.Add(ResourceSources.Pods(client, Owned), CacheTrims.Pod, ownedBy);
        var deployments = informers.Add(ResourceSources.Deployments(client, Owned), CacheTrims.Deployment);
        var statefulSets = informers.Add(ResourceSources.StatefulSets(client, Owned), CacheTrims.StatefulSet);
        var services = informers.Add(ResourceSources.Services(client, Owned), CacheTrims.Service);
        var jobs = informers.Add(ResourceSources.Jobs(client, Owned), CacheTrims.Job);

        var metrics = RuntimeMetrics.Default;
        Queue = new WorkQueue(metrics: metrics.Queue("workspace"));
        metrics.Queue("workspace").Depth = () => Queue.Count;
        var owners = new OwnerKeys(Queue, ownedBy);
        Reconciler = new WorkspaceReconciler(client, new WorkspaceCaches(workspaces, nodeClaims, nodes, pods, deployments, statefulSets, services, jobs),
            settings, new EventRecorder(client), loggers.CreateLogger<WorkspaceReconciler>());
        Controller = new Controller("workspace", Reconciler, Queue, workers, loggers.CreateLogger<Controller>());

        metrics.Gauge("kaito_workspaces", () => CountByCondition(workspaces.All.Select(w => w.Status?.Conditions), ConditionTypes.WorkspaceSucceeded));
        metrics.Gauge("kaito_workspace_nodeclaims", () => [("", nodeClaims.Count)]);
        workspaces.Changed += (_, ws, _) => Queue.Add(new ObjectKey(ws.Metadata.NamespaceProperty, ws.Metadata.Name));
        nodeClaims.Changed += (_, claim, _) => owners.Enqueue(claim.Metadata);
        pods.Changed += (_, o, _) => owners.Enqueue(o.Metadata);
        deployments.Changed += (_, o, _) => owners.Enqueue(o.Metadata);
        statefulSets.Changed += (_, o, _) => owners.Enqueue(o.Metadata);
        services.Changed += (_, o, _) => owners.Enqueue(o.Metadata);
        jobs.Changed += (_, o, _) => owners.Enqueue(o.Metadata);
        nodes.Changed += (_, node, _) =>
        {
            // Provisioned nodes carry their Workspace's labels; a user's own node matters to the Workspaces naming it in
            // preferredNodes, or to any Workspace when nodes are not auto-provisioned.
            if (owners.Enqueue(node.Metadata)) return;
            foreach (var ws in workspaces.All)
            {
                if (!settings.NodeAutoProvisioning || ws.Resource?.PreferredNodes?.Contains(node.Metadata.Name) == true)
                    Queue.Add(new ObjectKey(ws.Metadata.NamespaceProperty, ws.Metadata.Name));
            }
        };
    }

    public WorkQueue Queue { get; }

    public WorkspaceReconciler Reconciler { get; }

    public Controller Controller { get; }

    public IResourceCache<Workspace> Workspaces => workspaces;

    public Task RunAsync(CancellationToken cancellationToken) => informers.RunAsync(Controller, cancellationToken);

    /// <summary>Samples "succeeded=true|false" of the given condition type, for the kaito_* gauges.</summary>
    public static IEnumerable<(string, double)> CountByCondition(IEnumerable<IList<V1Condition>?> conditions, string type)
    {
        var all = conditions.Select(c => c?.Any(x => x.Type == type && x.Status == "True") == true).ToList();
        return [("succeeded=\"true\"", all.Count(x => x)), ("succeeded=\"false\"", all.Count(x => !x))];
    }
}
