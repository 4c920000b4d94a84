using System.Net;
using k8s;
using k8s.Autorest;
using Kaito.Api.V1Beta1;
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
