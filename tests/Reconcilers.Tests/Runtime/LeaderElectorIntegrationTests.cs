using k8s;
using System.Collections.Concurrent;
using Kaito.Reconcilers.Runtime;
using Kaito.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kaito.Reconcilers.Tests.Runtime;

public sealed class LeaderElectorIntegrationTests
{
    [Fact]
    public async Task Exactly_one_of_two_leads_and_the_other_takes_over_when_it_stops()
    {
        var plane = await ControlPlane.GetAsync();
        await using var ns = await plane.CreateNamespaceAsync("rt-lease");
        LeaderElector Elector(string id) => new(plane.Client, new LeaderElectionOptions(ns.Name, "kaito-test", id)
        {
            LeaseDuration = TimeSpan.FromSeconds(4),
            RenewDeadline = TimeSpan.FromSeconds(3),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        }, NullLogger.Instance);

        var leading = new ConcurrentDictionary<string, bool>();
        var overlaps = 0;
        Func<CancellationToken, Task> WhileLeading(string id) => async token =>
        {
            leading[id] = true;
            if (leading.Count(p => p.Value) > 1) Interlocked.Increment(ref overlaps);
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            finally
            {
                leading[id] = false;
            }
        };

        var electors = new Dictionary<string, LeaderElector> { ["a"] = Elector("a"), ["b"] = Elector("b") };
        var stops = electors.Keys.ToDictionary(id => id, _ => new CancellationTokenSource());
        var runs = electors.ToDictionary(p => p.Key, p => p.Value.RunAsync(WhileLeading(p.Key), stops[p.Key].Token));

        await Eventually.WaitAsync(() => Task.FromResult(leading.Count(p => p.Value) == 1), TimeSpan.FromSeconds(30), "one leader");
        // Several renewals later there is still exactly one leader.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(1, leading.Count(p => p.Value));
            Assert.Equal(1, electors.Values.Count(e => e.IsLeader));
            await Task.Delay(200);
        }
        var first = leading.Single(p => p.Value).Key;
        var second = first == "a" ? "b" : "a";
        var lease = await plane.Client.CoordinationV1.ReadNamespacedLeaseAsync("kaito-test", ns.Name);
        Assert.Equal(first, lease.Spec.HolderIdentity);

        await stops[first].CancelAsync();
        await runs[first];
        Assert.False(electors[first].IsLeader);

        await Eventually.WaitAsync(() => Task.FromResult(leading.GetValueOrDefault(second)), TimeSpan.FromSeconds(30), "the other takes over");
        lease = await plane.Client.CoordinationV1.ReadNamespacedLeaseAsync("kaito-test", ns.Name);
        Assert.Equal(second, lease.Spec.HolderIdentity);
        Assert.True(lease.Spec.LeaseTransitions >= 1);
        Assert.Equal(0, overlaps);

        await stops[second].CancelAsync();
        await runs[second];
        lease = await plane.Client.CoordinationV1.ReadNamespacedLeaseAsync("kaito-test", ns.Name);
        Assert.True(string.IsNullOrEmpty(lease.Spec.HolderIdentity));
        foreach (var stop in stops.Values) stop.Dispose();
    }
}
