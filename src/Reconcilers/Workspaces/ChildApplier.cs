using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Kaito.Reconcilers.Workspaces;

/// <summary>
/// Server-side apply of children with one field manager, skipped when the live object already carries
/// the hash of the desired one: an idle operator writes nothing.
/// </summary>
public sealed class ChildApplier(IKubernetes client)
{
    public int Writes { get; private set; }

    /// <summary>Counts a write made elsewhere (status), so benchmarks see every request.</summary>
    public void CountWrite() => Writes++;

    public static string Hash(object desired)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(desired)));
        return Convert.ToHexString(bytes)[..16].ToLowerInvariant();
    }

    /// <summary>Stamps the hash onto <paramref name="desired"/>; true when the live object differs.</summary>
    public static bool NeedsApply(IKubernetesObject<V1ObjectMeta> desired, IKubernetesObject<V1ObjectMeta>? live)
    {
        desired.Metadata.Annotations ??= new Dictionary<string, string>();
        desired.Metadata.Annotations.Remove(ReconcilerSettings.AppliedHashAnnotation);
        var hash = Hash(desired);
        desired.Metadata.Annotations[ReconcilerSettings.AppliedHashAnnotation] = hash;
        return live?.Metadata.Annotations?.TryGetValue(ReconcilerSettings.AppliedHashAnnotation, out var current) != true || current != hash;
    }

    public async Task<bool> ApplyAsync(V1Deployment desired, V1Deployment? live, CancellationToken ct)
    {
        if (!NeedsApply(Typed(desired, "apps/v1", "Deployment"), live)) return false;
        await client.AppsV1.PatchNamespacedDeploymentAsync(Patch(desired), desired.Metadata.Name, desired.Metadata.NamespaceProperty, fieldManager: ReconcilerSettings.FieldManager, force: true, cancellationToken: ct);
        Writes++;
        return true;
    }

    public async Task<bool> ApplyAsync(V1StatefulSet desired, V1StatefulSet? live, CancellationToken ct)
    {
        if (!NeedsApply(Typed(desired, "apps/v1", "StatefulSet"), live)) return false;
        await client.AppsV1.PatchNamespacedStatefulSetAsync(Patch(desired), desired.Metadata.Name, desired.Metadata.NamespaceProperty, fieldManager: ReconcilerSettings.FieldManager, force: true, cancellationToken: ct);
        Writes++;
        return true;
    }

    public async Task<bool> ApplyAsync(V1Service desired, V1Service? live, CancellationToken ct)
    {
        if (!NeedsApply(Typed(desired, "v1", "Service"), live)) return false;
        await client.CoreV1.PatchNamespacedServiceAsync(Patch(desired), desired.Metadata.Name, desired.Metadata.NamespaceProperty, fieldManager: ReconcilerSettings.FieldManager, force: true, cancellationToken: ct);
        Writes++;
        return true;
    }

    public async Task<bool> ApplyAsync(V1ConfigMap desired, CancellationToken ct)
    {
        V1ConfigMap? live = null;
        try
        {
            live = await client.CoreV1.ReadNamespacedConfigMapAsync(desired.Metadata.Name, desired.Metadata.NamespaceProperty, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
        if (!NeedsApply(Typed(desired, "v1", "ConfigMap"), live)) return false;
        await client.CoreV1.PatchNamespacedConfigMapAsync(Patch(desired), desired.Metadata.Name, desired.Metadata.NamespaceProperty, fieldManager: ReconcilerSettings.FieldManager, force: true, cancellationToken: ct);
        Writes++;
        return true;
    }

    /// <summary>Applies a ConfigMap the caller's informer already shows (no extra read).</summary>
    public async Task<bool> ApplyAsync(V1ConfigMap desired, V1ConfigMap? live, CancellationToken ct)
    {
        if (!NeedsApply(Typed(desired, "v1", "ConfigMap"), live)) return false;
        await client.CoreV1.PatchNamespacedConfigMapAsync(Patch(desired), desired.Metadata.Name, desired.Metadata.NamespaceProperty, fieldManager: ReconcilerSettings.FieldManager, force: true, cancellationToken: ct);
        Writes++;
        return true;
    }

    /// <summary>Deletes a ConfigMap that is no longer wanted; false when it was already gone.</summary>
    public async Task<bool> DeleteConfigMapAsync(string @namespace, string name, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedConfigMapAsync(name, @namespace, cancellationToken: ct);
            Writes++;
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Jobs are immutable once running: created when missing, never patched.</summary>
    public async Task<bool> EnsureJobAsync(V1Job desired, V1Job? live, CancellationToken ct)
    {
        if (live is not null) return false;
        NeedsApply(Typed(desired, "batch/v1", "Job"), null);
        try
        {
            await client.BatchV1.CreateNamespacedJobAsync(desired, desired.Metadata.NamespaceProperty, fieldManager: ReconcilerSettings.FieldManager, cancellationToken: ct);
            Writes++;
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;   // created by an earlier pass the cache has not seen yet
        }
    }

    static T Typed<T>(T obj, string apiVersion, string kind) where T : IKubernetesObject<V1ObjectMeta>
    {
        obj.ApiVersion ??= apiVersion;
        obj.Kind ??= kind;
        return obj;
    }

    static V1Patch Patch(object body) => new(body, V1Patch.PatchType.ApplyPatch);
}
