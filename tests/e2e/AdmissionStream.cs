using k8s;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>
/// Clients creating Workspaces as server-side dry runs (both webhooks run, nothing is stored), back to back as fast as the
/// API server answers: anything that drops admissions for even a fraction of a second (a rollout, a certificate change)
/// shows in <see cref="Failures"/>. Disposing stops the clients.
/// </summary>
public sealed class AdmissionStream : IAsyncDisposable
{
    readonly CancellationTokenSource stop = new();
    readonly List<Task> loops;
    readonly List<string> failures = [];
    int admitted;

    AdmissionStream(ControlPlane plane, string ns, int clients) =>
        loops = [.. Enumerable.Range(0, clients).Select(client => Task.Run(() => RunAsync(plane, ns, client)))];

    public static AdmissionStream Start(ControlPlane plane, string ns, int clients = 1) => new(plane, ns, clients);

    public int Admitted => Volatile.Read(ref admitted);

    public IReadOnlyList<string> Failures
    {
        get { lock (failures) return [.. failures]; }
    }

    async Task RunAsync(ControlPlane plane, string ns, int client)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var body = new Dictionary<string, object>
            {
                ["apiVersion"] = "kaito.sh/v1beta1", ["kind"] = "Workspace",
                ["metadata"] = new Dictionary<string, object> { ["name"] = $"stream-{client}-{i}" },
                ["resource"] = new Dictionary<string, object>
                {
                    ["instanceType"] = "Standard_NC6s_v3",
                    ["labelSelector"] = new Dictionary<string, object> { ["matchLabels"] = new Dictionary<string, string> { ["apps"] = "stream" } },
                },
                ["inference"] = new Dictionary<string, object> { ["preset"] = new Dictionary<string, string> { ["name"] = "phi-3-mini-4k-instruct" } },
            };
            try
            {
                await plane.Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "kaito.sh", "v1beta1", ns, "workspaces", dryRun: "All");
                Interlocked.Increment(ref admitted);
            }
            catch (k8s.Autorest.HttpOperationException e)
            {
                lock (failures) failures.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {(int)e.Response.StatusCode}: {e.Response.Content}");
            }
            catch (HttpRequestException e)
            {
                lock (failures) failures.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {e.Message}");
            }
        }
    }

    /// <summary>Stops the clients and waits for their last requests.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(loops);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stop.Dispose();
    }
}
