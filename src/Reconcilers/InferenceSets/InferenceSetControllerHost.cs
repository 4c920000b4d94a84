using k8s;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Runtime;
using Kaito.Reconcilers.Shared;
using Kaito.Reconcilers.Workspaces;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.InferenceSets;

/// <summary>
/// Wires the InferenceSet controller: informers for the sets and for the Workspaces they made (found by the
/// inferenceset.kaito.sh/created-by label, in the set's namespace), events mapped to the owning set, and the workers.
/// </summary>
public sealed class InferenceSetControllerHost
{
    readonly ControllerBuilder builder;

    public InferenceSetControllerHost(IKubernetes client, ReconcilerSettings settings, ILoggerFactory loggers, int workers = 2)
    {
        builder = new ControllerBuilder("inferenceset", loggers, new OwnerIndex(InferenceSetChildren.CreatedByLabel));
        var sets = builder.For(ResourceSources.InferenceSets(client));
        var caches = new InferenceSetCaches(sets,
            builder.Owns(ResourceSources.Workspaces(client, InferenceSetChildren.CreatedByLabel), CacheTrims.Workspace, indexed: true));
        Reconciler = new InferenceSetReconciler(client, caches, settings, new EventRecorder(client), loggers.CreateLogger<InferenceSetReconciler>());
        Controller = builder.Complete(Reconciler, workers);
        RuntimeMetrics.Default.Gauge("kaito_inferencesets", () => WorkspaceControllerHost.CountByCondition(sets.All.Select(s => s.Status?.Conditions), ConditionTypes.Ready));
    }

    public WorkQueue Queue => builder.Queue;

    public InferenceSetReconciler Reconciler { get; }

    public Controller Controller { get; }

    public Task RunAsync(CancellationToken cancellationToken) => builder.Run(cancellationToken);
}
