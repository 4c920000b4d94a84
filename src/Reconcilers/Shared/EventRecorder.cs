using k8s;
using k8s.Models;

namespace Kaito.Reconcilers.Shared;

/// <summary>Posts core/v1 Events for the steps a reconcile takes. Best effort: a failed event never fails a reconcile.</summary>
public sealed class EventRecorder(IKubernetes client, string component = "kaito-operator")
{
    public Task NormalAsync(IKubernetesObject<V1ObjectMeta> owner, string reason, string message, CancellationToken ct) => RecordAsync(owner, "Normal", reason, message, ct);

    public Task WarningAsync(IKubernetesObject<V1ObjectMeta> owner, string reason, string message, CancellationToken ct) => RecordAsync(owner, "Warning", reason, message, ct);

    async Task RecordAsync(IKubernetesObject<V1ObjectMeta> owner, string type, string reason, string message, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var ns = owner.Metadata.NamespaceProperty;
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { GenerateName = owner.Metadata.Name + ".", NamespaceProperty = ns },
                InvolvedObject = new V1ObjectReference
                {
                    ApiVersion = owner.ApiVersion, Kind = owner.Kind, Name = owner.Metadata.Name,
                    NamespaceProperty = ns, Uid = owner.Metadata.Uid, ResourceVersion = owner.Metadata.ResourceVersion,
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
