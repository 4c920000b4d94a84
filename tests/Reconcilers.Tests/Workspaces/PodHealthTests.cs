using k8s.Models;
using Kaito.Reconcilers.Workspaces;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Tests.Workspaces;

public sealed class PodHealthTests
{
    static V1Pod Pod(string name, V1ContainerStatus? status = null, string? phase = "Running", V1PodCondition? condition = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Status = new V1PodStatus { Phase = phase, ContainerStatuses = status is null ? [] : [status], Conditions = condition is null ? [] : [condition] },
    };

    static V1ContainerStatus Waiting(string reason) => new() { Name = "c", Image = "i", ImageID = "", Ready = false, RestartCount = 4, State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = "details" } } };

    [Theory]
    [InlineData("CrashLoopBackOff", "ContainerCrashLoopBackOff")]
    [InlineData("ImagePullBackOff", "ImagePullError")]
    [InlineData("ErrImagePull", "ImagePullError")]
    [InlineData("CreateContainerConfigError", "ContainerStartError")]
    public void Waiting_reasons_are_classified_and_name_the_pod(string waiting, string reason)
    {
        var problem = PodHealth.Diagnose([Pod("ws-0", Waiting(waiting))]);

        Assert.Equal(reason, problem!.Reason);
        Assert.Contains("ws-0", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crash_loop_says_how_the_last_run_ended()
    {
        var status = Waiting("CrashLoopBackOff");
        status.LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 3, Reason = "Error" } };

        Assert.Contains("last exit code 3 (Error)", PodHealth.Diagnose([Pod("p", status)])!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oom_kill_wins_over_the_resulting_crash_loop()
    {
        var status = Waiting("CrashLoopBackOff");
        status.LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 137, Reason = "OOMKilled" } };

        Assert.Equal("ContainerOOMKilled", PodHealth.Diagnose([Pod("p", status)])!.Reason);
    }

    [Fact]
    public void Unschedulable_pod_says_why()
    {
        var problem = PodHealth.Diagnose([Pod("p", phase: "Pending", condition: new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/3 nodes have nvidia.com/gpu" })]);

        Assert.Equal("Unschedulable", problem!.Reason);
        Assert.Contains("0/3 nodes", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Healthy_pods_have_no_problem() =>
        Assert.Null(PodHealth.Diagnose([Pod("p", new V1ContainerStatus { Name = "c", Image = "i", ImageID = "", Ready = true, RestartCount = 0, State = new V1ContainerState { Running = new V1ContainerStateRunning() } })]));
}
