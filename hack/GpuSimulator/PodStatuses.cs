using k8s;
using k8s.Models;

namespace Kaito.GpuSimulator;

/// <summary>What a kubelet would report for a pod on a simulated node; null when the pod already shows it.</summary>
public static class PodStatuses
{
    public static V1PodStatus? Desired(V1Pod pod, V1Node node, string? failure, int jobSeconds, DateTime now)
    {
        var current = pod.Status;
        var started = current?.StartTime ?? now;
        var isJob = pod.Metadata.OwnerReferences?.Any(o => o.Kind == "Job") == true;
        var containers = pod.Spec.Containers ?? [];

        string phase;
        bool ready;
        List<V1ContainerStatus> statuses;
        switch (failure)
        {
            case "CrashLoopBackOff" or "OOMKilled":
                phase = "Running";
                ready = false;
                statuses = [.. containers.Select(c => new V1ContainerStatus
                {
                    Name = c.Name, Image = c.Image, ImageID = "sim://" + c.Image, Ready = false, Started = false, RestartCount = 5,
                    State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff", Message = $"back-off 5m0s restarting failed container={c.Name} pod={pod.Metadata.Name}" } },
                    LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = failure == "OOMKilled" ? 137 : 1, Reason = failure == "OOMKilled" ? "OOMKilled" : "Error", StartedAt = started, FinishedAt = started } },
                })];
                break;
            case "ImagePullBackOff":
                phase = "Pending";
                ready = false;
                statuses = [.. containers.Select(c => new V1ContainerStatus
                {
                    Name = c.Name, Image = c.Image, ImageID = "", Ready = false, Started = false, RestartCount = 0,
                    State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ImagePullBackOff", Message = $"Back-off pulling image \"{c.Image}\"" } },
                })];
                break;
            default:
                var done = isJob && now - started.ToUniversalTime() >= TimeSpan.FromSeconds(jobSeconds);
                phase = done ? "Succeeded" : "Running";
                ready = !done;
                statuses = [.. containers.Select(c => new V1ContainerStatus
                {
                    Name = c.Name, Image = c.Image, ImageID = "sim://" + c.Image, ContainerID = $"sim://{pod.Metadata.Name}/{c.Name}",
                    Ready = !done, Started = !done, RestartCount = 0,
                    State = done
                        ? new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed", StartedAt = started, FinishedAt = now } }
                        : new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = started } },
                })];
                break;
        }

        // The Ready condition too: the node lifecycle controller sets it False on the pods of a node whose heartbeat lapsed.
        var readyCondition = current?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status;
        if (current?.Phase == phase && readyCondition == (ready ? "True" : "False") && current.ContainerStatuses?.Count == statuses.Count
            && current.ContainerStatuses.Zip(statuses).All(p => p.First.Ready == p.Second.Ready && p.First.State?.Waiting?.Reason == p.Second.State?.Waiting?.Reason && (p.First.State?.Terminated is null) == (p.Second.State?.Terminated is null)))
            return null;

        var transition = now;
        // A copy: the pod may be the one a cache holds.
        var status = current is null ? new V1PodStatus() : KubernetesJson.Deserialize<V1PodStatus>(KubernetesJson.Serialize(current));
        status.Phase = phase;
        status.HostIP = node.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address;
        status.PodIP = PodAddress(pod);
        status.PodIPs = [new V1PodIP { Ip = status.PodIP }];
        status.StartTime = started;
        status.ContainerStatuses = statuses;
        status.InitContainerStatuses = [.. (pod.Spec.InitContainers ?? []).Select(c => new V1ContainerStatus
        {
            Name = c.Name, Image = c.Image, ImageID = "sim://" + c.Image, Ready = true, RestartCount = 0,
            State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed", StartedAt = started, FinishedAt = started } },
        })];
        status.Conditions =
        [
            new() { Type = "Initialized", Status = "True", LastTransitionTime = transition },
            new() { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = transition, Reason = ready ? null : (phase == "Succeeded" ? "PodCompleted" : "ContainersNotReady") },
            new() { Type = "ContainersReady", Status = ready ? "True" : "False", LastTransitionTime = transition, Reason = ready ? null : (phase == "Succeeded" ? "PodCompleted" : "ContainersNotReady") },
            new() { Type = "PodScheduled", Status = "True", LastTransitionTime = transition },
        ];
        return status;
    }

    static string PodAddress(V1Pod pod)
    {
        var hash = (uint)NodeFactory.StableHash(pod.Metadata.NamespaceProperty + "/" + pod.Metadata.Name);
        return $"198.18.{192 + ((hash >> 8) & 0x3F)}.{Math.Max(2, hash & 0xFE)}";
    }
}
