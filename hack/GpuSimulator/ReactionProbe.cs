using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Runtime;

namespace Kaito.GpuSimulator;

/// <summary>
/// Measures the operator's reaction latency: how long from a change to a Workspace's child until the Workspace's
/// status shows it. For sample Workspaces of one namespace (those with a worker node and NodesReady True), the
/// probe marks the node NotReady and times the Workspace's NodesReady turning False, then marks it Ready and times
/// it turning True: two samples per Workspace. The clock starts before the Node write is sent and stops when this
/// process's own watch delivers the Workspace, so both API round trips are included.
/// </summary>
public sealed class ReactionProbe(IKubernetes client, TextWriter log)
{
    static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    public async Task<List<double>> MeasureAsync(string @namespace, int workspaceCount, CancellationToken cancellationToken)
    {
        var workspaces = new Informer<Workspace>(ResourceSources.Workspaces(client), new TextWriterLogger(log), controller: "probe");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = workspaces.RunAsync(stop.Token);
        await workspaces.WaitForSyncAsync(cancellationToken);

        var eligible = workspaces.All
            .Where(w => w.Metadata.NamespaceProperty == @namespace && w.Status?.WorkerNodes is [_, ..] && NodesReady(w) == "True")
            .OrderBy(w => w.Metadata.Name, StringComparer.Ordinal).ToList();
        var step = Math.Max(1, eligible.Count / Math.Max(1, workspaceCount));
        var chosen = eligible.Where((_, i) => i % step == 0).Take(workspaceCount).ToList();
        if (chosen.Count == 0) throw new InvalidOperationException($"no Workspace in namespace {@namespace} has a ready worker node to probe");

        var waiting = new ConcurrentDictionary<string, (string Status, TaskCompletionSource<long> Seen)>();
        workspaces.Changed += (_, workspace, _) =>
        {
            if (waiting.TryGetValue(workspace.Metadata.Name, out var wait) && NodesReady(workspace) == wait.Status)
                wait.Seen.TrySetResult(Stopwatch.GetTimestamp());
        };

        var latencies = new List<double>();
        foreach (var workspace in chosen)
        {
            var node = workspace.Status!.WorkerNodes![0];
            await AnnotateAsync(node, "true", cancellationToken);
            try
            {
                foreach (var ready in new[] { "False", "True" })
                {
                    var seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                    waiting[workspace.Metadata.Name] = (ready, seen);
                    var start = Stopwatch.GetTimestamp();
                    await SetReadyAsync(node, ready, cancellationToken);
                    var end = await seen.Task.WaitAsync(GiveUpAfter, cancellationToken);
                    latencies.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                    waiting.TryRemove(workspace.Metadata.Name, out _);
                }
            }
            finally
            {
                await AnnotateAsync(node, null, CancellationToken.None);
            }
        }
        await stop.CancelAsync();
        await watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return latencies;
    }

    /// <summary>The p-th percentile (0..100) by nearest rank.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    static string? NodesReady(Workspace workspace) =>
        workspace.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.NodesReady)?.Status;

    Task AnnotateAsync(string node, string? hold, CancellationToken cancellationToken)
    {
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [SimulationLabels.HoldStatus] = hold } } };
        return client.CoreV1.PatchNodeAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), node, cancellationToken: cancellationToken);
    }

    Task SetReadyAsync(string node, string status, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var condition = new JsonObject
        {
            ["type"] = "Ready", ["status"] = status, ["lastHeartbeatTime"] = now, ["lastTransitionTime"] = now,
            ["reason"] = status == "True" ? "KubeletReady" : "KubeletNotReady",
            ["message"] = status == "True" ? "simulated kubelet is posting ready status" : "marked NotReady by the reaction probe",
        };
        var patch = new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(condition) } };
        return client.CoreV1.PatchNodeStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.StrategicMergePatch), node, cancellationToken: cancellationToken);
    }
}
