using System.Globalization;
using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>Metadata every namespaced child of a Workspace carries: labels, revision annotation, controller owner.</summary>
public static class OwnedMetadata
{
    public const string OwnerApiVersion = "kaito.sh/v1beta1";

    public static V1ObjectMeta For(Workspace workspace, string name, long revision) => new()
    {
        Name = name,
        NamespaceProperty = workspace.Metadata.NamespaceProperty,
        Labels = CommonLabels(workspace),
        Annotations = new Dictionary<string, string>
        {
            [Annotations.WorkspaceRevision] = revision.ToString(CultureInfo.InvariantCulture),
        },
        OwnerReferences = [OwnerReference(workspace)],
    };

    /// <summary>app.kubernetes.io/managed-by=kaito and kaito.sh/workspace=&lt;ws&gt;, in key order.</summary>
    public static Dictionary<string, string> CommonLabels(Workspace workspace) => new()
    {
        [ManifestConstants.ManagedByLabel] = ManifestConstants.ManagedByValue,
        [Labels.Workspace] = workspace.Metadata.Name,
    };

    /// <summary>The pod selector of every workload: kaito.sh/workspace=&lt;ws&gt;.</summary>
    public static Dictionary<string, string> SelectorLabels(Workspace workspace) => new()
    {
        [Labels.Workspace] = workspace.Metadata.Name,
    };

    public static V1OwnerReference OwnerReference(Workspace workspace) => new()
    {
        ApiVersion = OwnerApiVersion,
        Kind = Workspace.KindName,
        Name = workspace.Metadata.Name,
        Uid = workspace.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };
}
