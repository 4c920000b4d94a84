using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.Runtime;

/// <summary>The informers of one controller: started together, and the controller's workers start once all have synced.</summary>
public sealed class InformerSet(ILogger log)
{
    readonly List<Func<CancellationToken, Task>> runs = [];
    readonly List<Func<CancellationToken, Task>> syncs = [];

    public Informer<T, TList> Add<T, TList>(ResourceSource<TList> source, Action<T>? trim = null)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IKubernetesObject<V1ListMeta>, IItems<T>
    {
        var informer = new Informer<T, TList>(source, log, trim: trim);
        runs.Add(informer.RunAsync);
        syncs.Add(informer.WaitForSyncAsync);
        return informer;
    }

    public async Task RunAsync(Controller controller, CancellationToken cancellationToken)
    {
        var running = runs.Select(run => run(cancellationToken)).ToList();
        foreach (var sync in syncs) await sync(cancellationToken);
        running.Add(controller.RunAsync(cancellationToken));
        await Task.WhenAll(running);
    }
}
