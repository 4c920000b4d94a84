using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// The informers of one controller: started together, tracked in <see cref="InformerHealth"/> while they run, and the
/// controller's workers start once all have synced.
/// </summary>
public sealed class InformerSet(string controller, ILogger log, InformerHealth? health = null, InformerOptions? options = null)
{
    readonly List<Func<CancellationToken, Task>> runs = [];
    readonly List<Func<CancellationToken, Task>> syncs = [];
    readonly List<InformerStatus> statuses = [];

    public Informer<T> Add<T>(ResourceSource<T> source, Action<T>? trim = null, OwnerIndex? owners = null) where T : IKubernetesObject<V1ObjectMeta>
    {
        var informer = new Informer<T>(source, log, options, trim, controller: controller, ownerIndex: owners);
        runs.Add(informer.RunAsync);
        syncs.Add(informer.WaitForSyncAsync);
        statuses.Add(informer.Status);
        return informer;
    }

    public async Task RunAsync(Controller workers, CancellationToken cancellationToken)
    {
        var tracked = statuses.Select(s => (health ?? InformerHealth.Default).Track(controller, s)).ToList();
        try
        {
            var running = runs.Select(run => run(cancellationToken)).ToList();
            foreach (var sync in syncs) await sync(cancellationToken);
            running.Add(workers.RunAsync(cancellationToken));
            await Task.WhenAll(running);
        }
        finally
        {
            foreach (var t in tracked) t.Dispose();
        }
    }
}
