using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Presets;

/// <summary>
/// The Workspaces an InferenceSet is made of: one home for their names, labels and contents, used by the webhook
/// (which validates the Workspace the set would create) and by the reconciler (which creates it). Children are named
/// &lt;set&gt;-&lt;index&gt; rather than generated: a reconcile that crashes after a create finds its child on the next pass
/// instead of making another.
/// </summary>
public static class InferenceSetChildren
{
    public const string CreatedByLabel = "inferenceset.kaito.sh/created-by";
    public const string IndexLabel = "inferenceset.kaito.sh/index";
    public const string TemplateHashAnnotation = "inferenceset.kaito.sh/template-hash";

    /// <summary>Labels of the set that each child carries too (KAITO's multi-role inference keys).</summary>
    public static readonly IReadOnlyList<string> InheritedLabels = ["kaito.sh/inference-role", "multiroleinference.kaito.sh/created-by"];

    /// <summary>Longest Workspace name (a DNS label).</summary>
    public const int MaxNameLength = 63;

    public static string Name(string set, int index) => string.Create(CultureInfo.InvariantCulture, $"{set}-{index}");

    /// <summary>The index of a child by its label, or null for an object that is not one.</summary>
    public static int? IndexOf(Workspace workspace) =>
        workspace.Metadata.Labels?.TryGetValue(IndexLabel, out var text) == true
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;

    /// <summary>The label selector of the children, as the scale subresource reports it.</summary>
    public static string Selector(string set) => $"{CreatedByLabel}={set}";

    /// <summary>
    /// Identifies the template (and the label selector the children get): children whose annotation differs were made
    /// from an older template and are rolled.
    /// </summary>
    public static string TemplateHash(InferenceSet set)
    {
        var content = KubernetesJson.Serialize(set.Spec?.Template) + "\n" + KubernetesJson.Serialize(set.Spec?.LabelSelector);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..16];
    }

    /// <summary>
    /// Child <paramref name="index"/> of the set: the template as a Workspace, owned by the set; pinned to
    /// <paramref name="image"/> when given (autoUpgrade, see <see cref="ModelImages.PinnedAnnotation"/>).
    /// </summary>
    public static Workspace Build(InferenceSet set, int index, NodeProvisioning provisioning, string? image = null)
    {
        var template = set.Spec?.Template;
        var labels = StringMap(template?.Metadata?["labels"]);
        foreach (var key in InheritedLabels)
        {
            if (set.Metadata.Labels?.TryGetValue(key, out var value) == true) labels[key] = value;
        }
        labels[CreatedByLabel] = set.Metadata.Name;
        labels[IndexLabel] = index.ToString(CultureInfo.InvariantCulture);
        var annotations = StringMap(template?.Metadata?["annotations"]);
        annotations[TemplateHashAnnotation] = TemplateHash(set);
        if (image is not null) annotations[ModelImages.PinnedAnnotation] = image;

        return new Workspace
        {
            Metadata = new V1ObjectMeta
            {
                Name = Name(set.Metadata.Name, index),
                NamespaceProperty = set.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = annotations,
                OwnerReferences = set.Metadata.Uid is { } uid
                    ? [new V1OwnerReference { ApiVersion = set.ApiVersion, Kind = InferenceSet.KindName, Name = set.Metadata.Name, Uid = uid, Controller = true, BlockOwnerDeletion = true }]
                    : null,
            },
            Resource = new ResourceSpec
            {
                InstanceType = provisioning.CreatesNodes() ? template?.Resource?.InstanceType : null,
                LabelSelector = Copy(set.Spec?.LabelSelector),
                Partition = Copy(template?.Resource?.Partition),
            },
            Inference = Copy(template?.Inference),
        };
    }

    static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is not JsonObject obj) return map;
        foreach (var (key, value) in obj)
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var text)) map[key] = text;
        }
        return map;
    }

    static T? Copy<T>(T? value) where T : class =>
        value is null ? null : KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));
}
