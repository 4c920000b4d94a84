using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.InferenceSets;

/// <summary>An InferenceSet's writes to its Workspaces: created by their deterministic names, deleted by uid.</summary>
public sealed class ChildWorkspaces(IKubernetes client)
{
    /// <summary>Creates the Workspace; false when one of that name exists already (made by an earlier pass).</summary>
    public async Task<bool> CreateAsync(Workspace workspace, CancellationToken ct)
    {
        try
        {
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(workspace, KaitoGroup.Name, "v1beta1", workspace.Metadata.NamespaceProperty,
                Workspace.Plural, fieldManager: ReconcilerSettings.FieldManager, cancellationToken: ct);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>Pins the Workspace to the model image it runs (a merge patch of one annotation, guarded by its uid).</summary>
    public async Task PinAsync(Workspace workspace, string image, CancellationToken ct)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["uid"] = workspace.Metadata.Uid,
                ["annotations"] = new JsonObject { [ModelImages.PinnedAnnotation] = image },
            },
        };
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), KaitoGroup.Name, "v1beta1",
            workspace.Metadata.NamespaceProperty, Workspace.Plural, workspace.Metadata.Name, fieldManager: ReconcilerSettings.FieldManager, cancellationToken: ct);
    }

    /// <summary>Deletes this very Workspace (a precondition on its uid); false when it was already gone.</summary>
    public async Task<bool> DeleteAsync(Workspace workspace, CancellationToken ct)
    {
        try
        {
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(KaitoGroup.Name, "v1beta1", workspace.Metadata.NamespaceProperty, Workspace.Plural,
                workspace.Metadata.Name, new k8s.Models.V1DeleteOptions { Preconditions = new k8s.Models.V1Preconditions { Uid = workspace.Metadata.Uid } },
                cancellationToken: ct);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
