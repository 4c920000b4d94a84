using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// Wires one controller in the manner of controller-runtime's builder: <see cref="For{T}"/> the kind it reconciles,
/// <see cref="Owns{T}"/> the children whose events go to their owner's key (found by the owner labels), and
/// <see cref="Watches{T}"/> anything mapped by hand; then <see cref="Complete"/> with the reconciler.
/// </summary>
public sealed class ControllerBuilder(string name, ILoggerFactory loggers, OwnerIndex owners, RuntimeMetrics? metrics = null)
{
    readonly RuntimeMetrics runtimeMetrics = metrics ?? RuntimeMetrics.Default;
    readonly InformerSet informers = new(name, loggers.CreateLogger("informer"));
    readonly List<Action> wiring = [];

    public WorkQueue Queue { get; } = new(metrics: (metrics ?? RuntimeMetrics.Default).Queue(name));

    /// <summary>The reconciled kind: each of its events queues its own key.</summary>
    public Informer<T> For<T>(ResourceSource<T> source) where T : IKubernetesObject<V1ObjectMeta>
    {
        var informer = informers.Add(source);
        informer.Changed += (_, o, _) => Queue.Add(new ObjectKey(o.Metadata.NamespaceProperty ?? "", o.Metadata.Name));
        return informer;
    }

    /// <summary>A child kind: each event queues the owner its labels name; <paramref name="indexed"/> keeps children findable by owner.</summary>
    public Informer<T> Owns<T>(ResourceSource<T> source, Action<T>? trim = null, bool indexed = false) where T : IKubernetesObject<V1ObjectMeta>
    {
        var informer = informers.Add(source, trim, indexed ? owners : null);
        informer.Changed += (_, o, _) => EnqueueOwner(o.Metadata);
        return informer;
    }

    /// <summary>A kind whose events the caller maps to keys (call <see cref="EnqueueOwner"/> or <see cref="Queue"/>).</summary>
    public Informer<T> Watches<T>(ResourceSource<T> source, Action<T>? trim, Action<T> changed) where T : IKubernetesObject<V1ObjectMeta>
    {
        var informer = informers.Add(source, trim);
        informer.Changed += (_, o, _) => changed(o);
        return informer;
    }

    /// <summary>Queues the owner the object's labels name; false when they name none.</summary>
    public bool EnqueueOwner(V1ObjectMeta metadata)
    {
        if (owners.OwnerOf(metadata) is not { } owner) return false;
        Queue.Add(owner);
        return true;
    }

    public Controller Complete(IReconciler reconciler, int workers)
    {
        runtimeMetrics.Queue(name).Depth = () => Queue.Count;
        var controller = new Controller(name, reconciler, Queue, workers, loggers.CreateLogger<Controller>(), runtimeMetrics);
        Run = ct => informers.RunAsync(controller, ct);
        return controller;
    }

    /// <summary>Runs the informers, then the workers once every cache has synced (set by <see cref="Complete"/>).</summary>
    public Func<CancellationToken, Task> Run { get; private set; } = _ => throw new InvalidOperationException("call Complete first");
}
