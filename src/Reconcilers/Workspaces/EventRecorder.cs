using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Workspaces;

/// <summary>Posts core/v1 Events for the steps a reconcile takes. Best effort: a failed event never fails a reconcile.</summary>
public sealed class EventRecorder(IKubernetes client, string component = "kaito-operator")
{
    public Task NormalAsync(Workspace workspace, string reason, string message, CancellationToken ct) => RecordAsync(workspace, "Normal", reason, message, ct);

    public Task WarningAsync(Workspace workspace, string reason, string message, CancellationToken ct) => RecordAsync(workspace, "Warning", reason, message, ct);

    async Task RecordAsync(Workspace workspace, string type, string reason, string message, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var ns = workspace.Metadata.NamespaceProperty;
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { GenerateName = workspace.Metadata.Name + ".", NamespaceProperty = ns },
                InvolvedObject = new V1ObjectReference
                {
                    ApiVersion = KaitoGroup.V1Beta1, Kind = Workspace.KindName, Name = workspace.Metadata.Name,
                    NamespaceProperty = ns, Uid = workspace.Metadata.Uid, ResourceVersion = workspace.Metadata.ResourceVersion,
                },
                Type = type, Reason = reason, Message = message, Source = new V1EventSource { Component = component },
                FirstTimestamp = now, LastTimestamp = now, Count = 1,
            }, ns, cancellationToken: ct);
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException)
        {
            // Events are informational; the status carries the truth.
        }
    }
}
