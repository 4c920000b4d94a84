using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Kaito.Reconcilers.Shared;

/// <summary>
/// Server-side apply of children with one field manager, skipped when the live object already carries
/// the hash of the desired one: an idle operator writes nothing.
/// </summary>
public sealed class ChildApplier(IKubernetes client)
{
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

    /// <summary>
    /// Server-side apply of a namespaced child when the live object (from the caller's cache, or null) lacks the desired
    /// hash; true when it wrote. One path for every kind; the table below has each kind's typed client call.
    /// </summary>
    public async Task<bool> ApplyAsync<T>(T desired, T? live, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var kind = Kinds[typeof(T)];
        if (!NeedsApply(Typed(desired, kind.ApiVersion, kind.Kind), live)) return false;
        await kind.Patch(client, Patch(desired), desired.Metadata.Name, desired.Metadata.NamespaceProperty, ct);
        return true;
    }

    /// <summary>Applies a ConfigMap no informer of the caller watches: reads it first (a missing one is created).</summary>
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
        return await ApplyAsync(desired, live, ct);
    }

    sealed record KindCalls(string ApiVersion, string Kind, Func<IKubernetes, V1Patch, string, string, CancellationToken, Task> Patch);

    static readonly Dictionary<Type, KindCalls> Kinds = new()
    {
        [typeof(V1Deployment)] = new("apps/v1", "Deployment", (client, patch, name, ns, ct) =>
            client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, ns, fieldManager: ReconcilerSettings.FieldManager, force: true, cancellationToken: ct)),
        [typeof(V1StatefulSet)] = new("apps/v1", "StatefulSet", (client, patch, name, ns, ct) =>
            client.AppsV1.PatchNamespacedStatefulSetAsync(patch, name, ns, fieldManager: ReconcilerSettings.FieldManager, force: true, cancellationToken: ct)),
        [typeof(V1Service)] = new("v1", "Service", (client, patch, name, ns, ct) =>
            client.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, fieldManager: ReconcilerSettings.FieldManager, force: true, cancellationToken: ct)),
        [typeof(V1ConfigMap)] = new("v1", "ConfigMap", (client, patch, name, ns, ct) =>
            client.CoreV1.PatchNamespacedConfigMapAsync(patch, name, ns, fieldManager: ReconcilerSettings.FieldManager, force: true, cancellationToken: ct)),
        [typeof(V1NetworkPolicy)] = new("networking.k8s.io/v1", "NetworkPolicy", (client, patch, name, ns, ct) =>
            client.NetworkingV1.PatchNamespacedNetworkPolicyAsync(patch, name, ns, fieldManager: ReconcilerSettings.FieldManager, force: true, cancellationToken: ct)),
    };

    /// <summary>Deletes a ConfigMap that is no longer wanted; false when it was already gone.</summary>
    public async Task<bool> DeleteConfigMapAsync(string @namespace, string name, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedConfigMapAsync(name, @namespace, cancellationToken: ct);
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
