using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Kaito.GpuSimulator;

/// <summary>
/// The kubelets' heartbeat: one Lease per simulated node in kube-node-lease, renewed as a kubelet renews its own. The
/// node lifecycle controller takes a renewal as a heartbeat, so Node objects (which the operator watches) are not
/// rewritten every few seconds. Renewals are spread to about <see cref="WritesPerSecond"/> a second, and never further
/// apart than <see cref="MaxInterval"/>, inside kube-controller-manager's 40 s node-monitor grace period. Up to 16
/// renewals are in flight at once, so a slow API server (as while thousands of Workspaces converge) does not make
/// the round take longer than the grace period.
/// </summary>
public sealed class LeaseHeartbeats(IKubernetes client, Func<IReadOnlyList<V1Node>> simulatedNodes, TextWriter log)
{
    public const string Namespace = "kube-node-lease";
    const int LeaseSeconds = 40;
    const int WritesPerSecond = 40;
    static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(10);
    static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(30);
    readonly ConcurrentDictionary<string, DateTime> renewed = new();

    /// <summary>How often each of <paramref name="nodes"/> renews: 10 s as a kubelet does, longer only when that would exceed the write budget.</summary>
    public static TimeSpan Interval(int nodes) =>
        TimeSpan.FromSeconds(Math.Clamp((double)nodes / WritesPerSecond, MinInterval.TotalSeconds, MaxInterval.TotalSeconds));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var nodes = simulatedNodes();
            var now = DateTime.UtcNow;
            var interval = Interval(nodes.Count);
            var due = nodes.Where(n => !renewed.TryGetValue(n.Metadata.Name, out var last) || now - last >= interval).ToList();
            var failed = 0;
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (node, token) =>
            {
                try
                {
                    await RenewAsync(node, token);
                    renewed[node.Metadata.Name] = now;
                }
                catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException)
                {
                    Interlocked.Increment(ref failed);
                }
            }).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (failed > 0) await log.WriteLineAsync($"node Leases: {failed} of {due.Count} renewals failed; retried next second");
            var present = nodes.Select(n => n.Metadata.Name).ToHashSet();
            foreach (var gone in renewed.Keys.Where(k => !present.Contains(k))) renewed.TryRemove(gone, out _);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    async Task RenewAsync(V1Node node, CancellationToken cancellationToken)
    {
        var name = node.Metadata.Name;
        var patch = new JsonObject { ["spec"] = new JsonObject { ["renewTime"] = MicroTime(DateTime.UtcNow) } };
        try
        {
            await client.CoordinationV1.PatchNamespacedLeaseAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), name, Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            var lease = new V1Lease
            {
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = Namespace,
                    // As a kubelet does: the Lease goes with its Node.
                    OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = name, Uid = node.Metadata.Uid }],
                },
                Spec = new V1LeaseSpec { HolderIdentity = name, LeaseDurationSeconds = LeaseSeconds, RenewTime = DateTime.UtcNow },
            };
            try
            {
                await client.CoordinationV1.CreateNamespacedLeaseAsync(lease, Namespace, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException conflict) when (conflict.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Created meanwhile (a restarted simulator racing its predecessor's last write): renewed next round.
            }
        }
    }

    static string MicroTime(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
