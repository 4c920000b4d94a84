using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.RAGEngines;
using Kaito.Reconcilers.Workspaces;
using static Kaito.Reconcilers.Tests.RAGEngines.RAGEngineFixtures;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Tests.RAGEngines;

public sealed class RAGEngineStatusBuilderTests
{
    static readonly DateTime Now = new(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);

    static string? Status(RAGEngineStatus status, string type, out string? reason)
    {
        var condition = status.Conditions!.SingleOrDefault(c => c.Type == type);
        reason = condition?.Reason;
        return condition?.Status;
    }

    [Fact]
    public void Waiting_for_the_nodeclaim_says_so_in_every_condition()
    {
        var status = RAGEngineStatusBuilder.Build(Local(), new RAGEngineObservation
        {
            NeedsGpuNode = true, NodeClaimExpected = true, ResourceProblem = ("NodeClaimPending", "NodeClaim rag-0 is being provisioned"),
        }, Now);

        Assert.Equal("False", Status(status, ConditionTypes.NodeClaimReady, out var claim));
        Assert.Equal("NodeClaimPending", claim);
        Assert.Equal("False", Status(status, ConditionTypes.ResourceReady, out _));
        Assert.Equal("False", Status(status, ConditionTypes.ServiceReady, out var service));
        Assert.Equal("WaitingForResource", service);
        Assert.Equal("False", Status(status, ConditionTypes.RAGEngineSucceeded, out var succeeded));
        Assert.Equal("NodeClaimPending", succeeded);
    }

    [Fact]
    public void A_ready_cpu_service_is_succeeded_without_a_nodeclaim_condition()
    {
        var status = RAGEngineStatusBuilder.Build(Remote(), new RAGEngineObservation { WorkloadCreated = true, DeploymentName = "rag1", ReadyReplicas = 1 }, Now);

        Assert.Equal("True", Status(status, ConditionTypes.ResourceReady, out var resource));
        Assert.Equal("NoGpuNodeNeeded", resource);
        Assert.Equal("True", Status(status, ConditionTypes.ServiceReady, out _));
        Assert.Equal("True", Status(status, ConditionTypes.RAGEngineSucceeded, out _));
        Assert.Null(Status(status, ConditionTypes.NodeClaimReady, out _));
        Assert.Null(status.WorkerNodes);
    }

    [Fact]
    public void A_crash_looping_pod_is_named_in_service_ready()
    {
        var status = RAGEngineStatusBuilder.Build(Remote(), new RAGEngineObservation
        {
            WorkloadCreated = true, DeploymentName = "rag1", PodProblem = new PodProblem("ContainerCrashLoopBackOff", "pod rag1-abc: container rag1 is crash-looping"),
        }, Now);

        Assert.Equal("False", Status(status, ConditionTypes.ServiceReady, out var reason));
        Assert.Equal("ContainerCrashLoopBackOff", reason);
        Assert.Contains("rag1-abc", status.Conditions!.Single(c => c.Type == ConditionTypes.ServiceReady).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_observation_twice_is_not_a_change()
    {
        var rag = Local();
        var seen = new RAGEngineObservation { NeedsGpuNode = true, NodeClaimExpected = true, NodeClaimReady = true, WorkerNodes = ["n1"], WorkloadCreated = true, ReadyReplicas = 1 };
        rag.Status = RAGEngineStatusBuilder.Build(rag, seen, Now);

        Assert.False(RAGEngineStatusBuilder.Changed(rag.Status, RAGEngineStatusBuilder.Build(rag, seen, Now.AddMinutes(5))));
        Assert.True(RAGEngineStatusBuilder.Changed(rag.Status, RAGEngineStatusBuilder.Build(rag, seen with { ReadyReplicas = 0 }, Now)));
    }
}
