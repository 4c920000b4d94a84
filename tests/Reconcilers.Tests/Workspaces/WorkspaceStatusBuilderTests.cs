using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Workspaces;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Tests.Workspaces;

public sealed class WorkspaceStatusBuilderTests
{
    static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    static Workspace Inference(WorkspaceStatus? status = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "w", NamespaceProperty = "ns", Generation = 3 },
        Inference = new InferenceSpec { Preset = new PresetSpec { Name = "phi-4" } },
        Status = status,
    };

    static string? Condition(WorkspaceStatus status, string type) => status.Conditions!.Single(c => c.Type == type).Status;

    [Fact]
    public void Ready_nodes_and_pods_make_every_condition_true_and_state_ready()
    {
        var seen = new WorkspaceObservation { TargetNodes = 2, ReadyNodeClaims = 2, ReadyNodes = 2, WorkerNodes = ["b", "a"], WorkloadCreated = true, DesiredReplicas = 2, ReadyReplicas = 2 };

        var status = WorkspaceStatusBuilder.Build(Inference(), seen, T0);

        Assert.Equal("True", Condition(status, ConditionTypes.NodeClaimReady));
        Assert.Equal("True", Condition(status, ConditionTypes.NodesReady));
        Assert.Equal("True", Condition(status, ConditionTypes.ResourceReady));
        Assert.Equal("True", Condition(status, ConditionTypes.InferenceReady));
        Assert.Equal("True", Condition(status, ConditionTypes.WorkspaceSucceeded));
        Assert.Equal(WorkspaceStates.Ready, status.State);
        Assert.Equal(["a", "b"], status.WorkerNodes);
        Assert.Equal(2, status.TargetNodeCount);
        Assert.All(status.Conditions!, c => Assert.Equal(3, c.ObservedGeneration));
        Assert.All(status.Conditions!, c => Assert.False(string.IsNullOrEmpty(c.Message)));
    }

    [Fact]
    public void Crash_loop_turns_inference_false_with_the_pod_reason_and_a_ready_workspace_becomes_not_ready()
    {
        var ready = WorkspaceStatusBuilder.Build(Inference(), new WorkspaceObservation { ReadyNodeClaims = 1, ReadyNodes = 1, WorkloadCreated = true, DesiredReplicas = 1, ReadyReplicas = 1 }, T0);
        var seen = new WorkspaceObservation
        {
            ReadyNodeClaims = 1, ReadyNodes = 1, WorkloadCreated = true, DesiredReplicas = 1, ReadyReplicas = 0,
            PodProblem = new PodProblem("ContainerCrashLoopBackOff", "pod w-abc: container w is crash-looping"),
        };

        var status = WorkspaceStatusBuilder.Build(Inference(ready), seen, T0.AddMinutes(1));

        var inference = status.Conditions!.Single(c => c.Type == ConditionTypes.InferenceReady);
        Assert.Equal(("False", "ContainerCrashLoopBackOff"), (inference.Status, inference.Reason));
        Assert.Contains("w-abc", inference.Message, StringComparison.Ordinal);
        Assert.Equal(T0.AddMinutes(1), inference.LastTransitionTime);
        Assert.Equal(WorkspaceStates.NotReady, status.State);
        // ResourceReady did not change, so its transition time is kept.
        Assert.Equal(T0, status.Conditions!.Single(c => c.Type == ConditionTypes.ResourceReady).LastTransitionTime);
    }

    [Fact]
    public void Unchanged_observation_is_not_a_change()
    {
        var seen = new WorkspaceObservation { ReadyNodeClaims = 0, ReadyNodes = 0 };
        var first = WorkspaceStatusBuilder.Build(Inference(), seen, T0);

        var second = WorkspaceStatusBuilder.Build(Inference(first), seen, T0.AddHours(1));

        Assert.False(WorkspaceStatusBuilder.Changed(first, second));
        Assert.True(WorkspaceStatusBuilder.Changed(null, second));
    }

    [Fact]
    public void Own_nodes_have_no_nodeclaim_condition()
    {
        var old = WorkspaceStatusBuilder.Build(Inference(), new WorkspaceObservation { NodeAutoProvisioning = true }, T0);

        var status = WorkspaceStatusBuilder.Build(Inference(old), new WorkspaceObservation { NodeAutoProvisioning = false, ReadyNodes = 1 }, T0);

        Assert.DoesNotContain(status.Conditions!, c => c.Type == ConditionTypes.NodeClaimReady);
        Assert.Equal("True", Condition(status, ConditionTypes.ResourceReady));
    }

    [Theory]
    [InlineData(0, 0, 0, "False", "False", WorkspaceStates.Pending)]
    [InlineData(1, 0, 0, "True", "False", WorkspaceStates.Running)]
    [InlineData(0, 1, 0, "True", "True", WorkspaceStates.Succeeded)]
    [InlineData(0, 0, 1, "False", "False", WorkspaceStates.Failed)]
    public void Tuning_job_drives_job_started_succeeded_and_state(int active, int succeeded, int failed, string started, string done, string state)
    {
        var workspace = new Workspace
        {
            Metadata = new V1ObjectMeta { Name = "t", NamespaceProperty = "ns" },
            Tuning = new TuningSpec { Method = "qlora" },
        };
        var seen = new WorkspaceObservation { ReadyNodeClaims = 1, ReadyNodes = 1, WorkloadCreated = true, Job = new V1JobStatus { Active = active, Succeeded = succeeded, Failed = failed } };

        var status = WorkspaceStatusBuilder.Build(workspace, seen, T0);

        Assert.Equal(started, Condition(status, ConditionTypes.JobStarted));
        Assert.Equal(done, Condition(status, ConditionTypes.WorkspaceSucceeded));
        Assert.Equal(state, status.State);
    }

    [Fact]
    public void A_tuning_pod_in_trouble_is_named_while_the_job_runs_and_when_it_failed()
    {
        var workspace = new Workspace
        {
            Metadata = new V1ObjectMeta { Name = "t", NamespaceProperty = "ns" },
            Tuning = new TuningSpec { Method = "qlora" },
        };
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "t-abcde" },
            Status = new V1PodStatus
            {
                Phase = "Failed",
                InitContainerStatuses = [new V1ContainerStatus { Name = "data-downloader", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 22, Reason = "Error" } } }],
            },
        };
        var failed = new WorkspaceObservation
        {
            ReadyNodes = 1, WorkloadCreated = true, Job = new V1JobStatus { Failed = 1 }, PodProblem = Kaito.Reconcilers.Shared.PodHealth.Diagnose([pod]),
        };
        var status = WorkspaceStatusBuilder.Build(workspace, failed, T0);
        var succeeded = status.Conditions!.Single(c => c.Type == ConditionTypes.WorkspaceSucceeded);
        Assert.Equal("TuningJobFailed", succeeded.Reason);
        Assert.Equal("the tuning job failed: pod t-abcde failed: init container data-downloader exited with code 22 (Error)", succeeded.Message);

        var pulling = failed with
        {
            Job = new V1JobStatus { Active = 1 },
            PodProblem = new Kaito.Reconcilers.Shared.PodProblem("ImagePullError", "pod t-abcde: container adapter-pusher cannot pull its image (ErrImagePull): not found"),
        };
        succeeded = WorkspaceStatusBuilder.Build(workspace, pulling, T0).Conditions!.Single(c => c.Type == ConditionTypes.WorkspaceSucceeded);
        Assert.Equal(("False", "ImagePullError"), (succeeded.Status, succeeded.Reason));
        Assert.Contains("adapter-pusher", succeeded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_problem_is_reported_on_resource_ready()
    {
        var status = WorkspaceStatusBuilder.Build(Inference(), new WorkspaceObservation { PlanProblem = ("ModelDoesNotFit", "phi-4 needs 40 GiB") }, T0);

        var resource = status.Conditions!.Single(c => c.Type == ConditionTypes.ResourceReady);
        Assert.Equal(("False", "ModelDoesNotFit", "phi-4 needs 40 GiB"), (resource.Status, resource.Reason, resource.Message));
    }

    [Fact]
    public void A_failed_step_shows_in_its_condition_until_a_successful_pass_recomputes_it()
    {
        var ready = WorkspaceStatusBuilder.Build(Inference(), new WorkspaceObservation { ReadyNodeClaims = 1, ReadyNodes = 1, WorkerNodes = ["a"], WorkloadCreated = true, DesiredReplicas = 1, ReadyReplicas = 1 }, T0);

        var failed = WorkspaceStatusBuilder.Failed(Inference(ready), ConditionTypes.InferenceReady, "QuotaExceeded", "applying Service w: exceeded quota: q", T0.AddMinutes(1));

        var inference = failed.Conditions!.Single(c => c.Type == ConditionTypes.InferenceReady);
        Assert.Equal(("False", "QuotaExceeded", "applying Service w: exceeded quota: q"), (inference.Status, inference.Reason, inference.Message));
        Assert.Equal("False", Condition(failed, ConditionTypes.WorkspaceSucceeded));
        Assert.Equal("True", Condition(failed, ConditionTypes.NodesReady));
        Assert.Equal(["a"], failed.WorkerNodes);
        Assert.True(WorkspaceStatusBuilder.Changed(ready, failed));
        Assert.False(WorkspaceStatusBuilder.Changed(failed, WorkspaceStatusBuilder.Failed(Inference(failed), ConditionTypes.InferenceReady, "QuotaExceeded", "applying Service w: exceeded quota: q", T0.AddMinutes(2))));

        var recovered = WorkspaceStatusBuilder.Build(Inference(failed), new WorkspaceObservation { ReadyNodeClaims = 1, ReadyNodes = 1, WorkerNodes = ["a"], WorkloadCreated = true, DesiredReplicas = 1, ReadyReplicas = 1 }, T0.AddMinutes(3));
        Assert.Equal("True", Condition(recovered, ConditionTypes.InferenceReady));
        Assert.Equal("True", Condition(recovered, ConditionTypes.WorkspaceSucceeded));
    }
}
