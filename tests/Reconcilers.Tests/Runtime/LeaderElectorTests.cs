using System.Net;
using k8s;
using k8s.Models;
using Kaito.Reconcilers.Runtime;
using Kaito.Reconcilers.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Kaito.Reconcilers.Tests.Runtime;

/// <summary>Lease acquisition and expiry on a recording API server and a fake clock.</summary>
public sealed class LeaderElectorTests
{
    const string LeasePath = "/apis/coordination.k8s.io/v1/namespaces/kaito-system/leases/kaito-operator-leader";

    static (LeaderElector Elector, RecordingApiServer Api, FakeTimeProvider Time) Candidate()
    {
        var api = new RecordingApiServer();
        var time = new FakeTimeProvider(WorkspaceWorld.T0);
        var elector = new LeaderElector(api.Client, new LeaderElectionOptions("kaito-system", "kaito-operator-leader", "me"), NullLogger.Instance, time);
        return (elector, api, time);
    }

    static V1Lease HeldBy(string holder, string resourceVersion) => new()
    {
        ApiVersion = "coordination.k8s.io/v1", Kind = "Lease",
        Metadata = new V1ObjectMeta { Name = "kaito-operator-leader", NamespaceProperty = "kaito-system", ResourceVersion = resourceVersion },
        Spec = new V1LeaseSpec { HolderIdentity = holder, LeaseDurationSeconds = 15, RenewTime = WorkspaceWorld.T0.UtcDateTime, LeaseTransitions = 3 },
    };

    [Fact]
    public async Task With_no_lease_the_candidate_creates_it_and_leads()
    {
        var (elector, api, _) = Candidate();
        Assert.True(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
        var created = KubernetesJson.Deserialize<V1Lease>(Assert.Single(api.Writes, r => r.Method == "POST").Body);
        Assert.Equal(("me", 15), (created.Spec.HolderIdentity, created.Spec.LeaseDurationSeconds));
    }

    [Fact]
    public async Task Another_holders_lease_is_taken_only_after_it_went_unrenewed_for_the_lease_duration_as_seen_locally()
    {
        var (elector, api, time) = Candidate();
        api.Hold(LeasePath, HeldBy("other", "5"));

        Assert.False(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(10));
        api.Hold(LeasePath, HeldBy("other", "6"));     // the holder renewed: the clock starts again
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.DoesNotContain(api.Requests, r => r.Method == "PUT");

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
        var taken = KubernetesJson.Deserialize<V1Lease>(Assert.Single(api.Requests, r => r.Method == "PUT").Body);
        Assert.Equal(("me", 4), (taken.Spec.HolderIdentity, taken.Spec.LeaseTransitions));
    }

    [Fact]
    public async Task A_released_lease_is_taken_at_once()
    {
        var (elector, api, _) = Candidate();
        api.Hold(LeasePath, HeldBy("", "5"));
        Assert.True(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict, "Conflict")]
    [InlineData(HttpStatusCode.InternalServerError, "InternalError")]
    public async Task A_refused_renewal_is_a_failed_attempt_not_a_crash(HttpStatusCode code, string reason)
    {
        var (elector, api, _) = Candidate();
        api.Hold(LeasePath, HeldBy("me", "5"));
        api.Fail(r => r.Method == "PUT", code, reason, "the lease was modified or the server failed");
        Assert.False(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
    }
}
