using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Shared;

/// <summary>
/// The writes a reconciler makes to its own kaito.sh object and to NodeClaims, shared by the Workspace and RAGEngine
/// reconcilers: finalizers guarded by resourceVersion, status merge patches, NodeClaims created by deterministic name.
/// </summary>
public sealed class OwnerWrites(IKubernetes client, string plural)
{
    /// <summary>A create refused because the namespace is being deleted: the namespace will delete the owner, only its finalizer remains to run.</summary>
    public static bool IsNamespaceTerminating(HttpOperationException e) =>
        e.Response.StatusCode == HttpStatusCode.Forbidden && e.Response.Content?.Contains("NamespaceTerminating", StringComparison.Ordinal) == true;

    /// <summary>kaito.sh/paused: "true": the operator leaves the object alone.</summary>
    public static bool IsPaused(V1ObjectMeta metadata) =>
        metadata.Annotations?.TryGetValue(Annotations.Paused, out var paused) == true && paused == "true";

    /// <summary>The owner with <paramref name="finalizer"/> added when missing; null when the object is gone.</summary>
    public async Task<T?> EnsureFinalizerAsync<T>(T owner, string finalizer, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta> =>
        owner.Metadata.Finalizers?.Contains(finalizer) == true ? owner : await SetFinalizersAsync(owner, [.. owner.Metadata.Finalizers ?? [], finalizer], ct);

    /// <summary>Sets metadata.finalizers; fails on a stale read instead of losing one. Null when the object is gone.</summary>
    public async Task<T?> SetFinalizersAsync<T>(T owner, IEnumerable<string> finalizers, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)f)]),
                ["resourceVersion"] = owner.Metadata.ResourceVersion,
            },
        };
        try
        {
            return await client.CustomObjects.PatchNamespacedCustomObjectAsync<T>(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
                KaitoGroup.Name, "v1beta1", owner.Metadata.NamespaceProperty, plural, owner.Metadata.Name, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Merge-patches the status subresource; false when the object is gone.</summary>
    public async Task<bool> PatchStatusAsync(IKubernetesObject<V1ObjectMeta> owner, JsonObject status, CancellationToken ct)
    {
        var body = new JsonObject { ["status"] = status };
        try
        {
            await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch),
                KaitoGroup.Name, "v1beta1", owner.Metadata.NamespaceProperty, plural, owner.Metadata.Name, cancellationToken: ct);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Creates the NodeClaim; false when it already exists (an earlier pass made it: the name prevents a duplicate).</summary>
    public Task<bool> CreateNodeClaimAsync(NodeClaim claim, CancellationToken ct) => CreateClusterObjectAsync(claim, NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural, ct);

    /// <summary>Deletes the NodeClaim; false when it was already gone.</summary>
    public Task<bool> DeleteNodeClaimAsync(string name, CancellationToken ct) => DeleteClusterObjectAsync(NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural, name, ct);

    public async Task<NodePool?> GetNodePoolAsync(string name, CancellationToken ct)
    {
        try
        {
            return await client.CustomObjects.GetClusterCustomObjectAsync<NodePool>(NodePool.Group, NodePool.Version, NodePool.Plural, name, ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates the NodePool; false when it already exists.</summary>
    public Task<bool> CreateNodePoolAsync(NodePool pool, CancellationToken ct) => CreateClusterObjectAsync(pool, NodePool.Group, NodePool.Version, NodePool.Plural, ct);

    public Task ScaleNodePoolAsync(string name, long replicas, CancellationToken ct) =>
        client.CustomObjects.PatchClusterCustomObjectAsync(new V1Patch(new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }.ToJsonString(), V1Patch.PatchType.MergePatch),
            NodePool.Group, NodePool.Version, NodePool.Plural, name, cancellationToken: ct);

    /// <summary>Deletes the NodePool (Karpenter then removes its NodeClaims); false when it was already gone.</summary>
    public Task<bool> DeleteNodePoolAsync(string name, CancellationToken ct) => DeleteClusterObjectAsync(NodePool.Group, NodePool.Version, NodePool.Plural, name, ct);

    async Task<bool> CreateClusterObjectAsync(object body, string group, string version, string resources, CancellationToken ct)
    {
        try
        {
            await client.CustomObjects.CreateClusterCustomObjectAsync(body, group, version, resources, fieldManager: ReconcilerSettings.FieldManager, cancellationToken: ct);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    async Task<bool> DeleteClusterObjectAsync(string group, string version, string resources, string name, CancellationToken ct)
    {
        try
        {
            await client.CustomObjects.DeleteClusterCustomObjectAsync(group, version, resources, name, cancellationToken: ct);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
