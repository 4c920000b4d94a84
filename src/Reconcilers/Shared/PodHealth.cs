using k8s.Models;

namespace Kaito.Reconcilers.Shared;

/// <summary>Why a workload's pods are not ready, named the way users search for it.</summary>
public sealed record PodProblem(string Reason, string Message);

/// <summary>
/// Classifies pod trouble so InferenceReady says what is wrong (crash loop, OOM kill, image pull,
/// unschedulable) instead of only "not ready". The first pod with a problem wins, in name order.
/// </summary>
public static class PodHealth
{
    static readonly HashSet<string> ImagePull = ["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull", "ImageInspectError", "RegistryUnavailable"];
    static readonly HashSet<string> StartFailures = ["CreateContainerConfigError", "CreateContainerError", "RunContainerError", "PreStartHookError", "PostStartHookError"];

    public static PodProblem? Diagnose(IEnumerable<V1Pod> pods)
    {
        foreach (var pod in pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            if (Diagnose(pod) is { } problem) return problem;
        }
        return null;
    }

    public static PodProblem? Diagnose(V1Pod pod)
    {
        var name = pod.Metadata.Name;
        var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []).ToList();
        foreach (var status in statuses)
        {
            if (status.LastState?.Terminated?.Reason == "OOMKilled" || status.State?.Terminated?.Reason == "OOMKilled")
                return new("ContainerOOMKilled", Trim($"pod {name}: container {status.Name} was OOM-killed (restarts: {status.RestartCount}); give it more memory or a larger SKU"));
        }
        foreach (var status in statuses)
        {
            var waiting = status.State?.Waiting;
            if (waiting?.Reason is null) continue;
            if (ImagePull.Contains(waiting.Reason))
                return new("ImagePullError", Trim($"pod {name}: container {status.Name} cannot pull its image ({waiting.Reason}): {waiting.Message}"));
            if (StartFailures.Contains(waiting.Reason))
                return new("ContainerStartError", Trim($"pod {name}: container {status.Name} cannot start ({waiting.Reason}): {waiting.Message}"));
            if (waiting.Reason == "CrashLoopBackOff")
                return new("ContainerCrashLoopBackOff", Trim($"pod {name}: container {status.Name} is crash-looping (restarts: {status.RestartCount}{LastExit(status)}): {waiting.Message}"));
        }
        if (pod.Status?.Phase == "Failed")
            return new(pod.Status.Reason == "Evicted" ? "PodEvicted" : "PodFailed", Trim($"pod {name} failed: {pod.Status.Message ?? pod.Status.Reason ?? FailedContainer(pod) ?? "no reason given"}"));
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (scheduled is { Status: "False", Reason: "Unschedulable" })
            return new("Unschedulable", Trim($"pod {name} cannot be scheduled: {scheduled.Message}"));
        return null;
    }

    /// <summary>"init container X exited with code N (Reason)" for the first container that ended in failure, else null.</summary>
    static string? FailedContainer(V1Pod pod)
    {
        foreach (var (status, kind) in (pod.Status?.InitContainerStatuses ?? []).Select(s => (s, "init container"))
            .Concat((pod.Status?.ContainerStatuses ?? []).Select(s => (s, "container"))))
        {
            if (status.State?.Terminated is { ExitCode: not 0 } end)
                return $"{kind} {status.Name} exited with code {end.ExitCode} ({end.Reason ?? "no reason"}){(string.IsNullOrWhiteSpace(end.Message) ? "" : ": " + end.Message.Trim())}";
        }
        return null;
    }

    /// <summary>", last exit code N (Reason)" from the container's previous run, what its logs (--previous) explain.</summary>
    static string LastExit(V1ContainerStatus status) =>
        status.LastState?.Terminated is { } last ? $", last exit code {last.ExitCode} ({last.Reason ?? "no reason"})" : "";

    public static bool IsReady(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    static string Trim(string message) => message.Length <= 256 ? message : message[..253] + "...";
}
