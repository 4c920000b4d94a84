using System.Globalization;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Reconcilers.Manifests;

/// <summary>NodeClaims for the gpu-provisioner, with deterministic names (a retry never duplicates a node).</summary>
public static class NodeClaimManifests
{
    public const string NodePoolLabel = "karpenter.sh/nodepool";
    public const string NodePoolValue = "kaito";
    public const string DoNotDisruptAnnotation = "karpenter.sh/do-not-disrupt";
    public const string InstanceTypeLabel = "node.kubernetes.io/instance-type";
    public const string OsLabel = "kubernetes.io/os";
    public const string AzureSkuLabel = "karpenter.azure.com/sku-name";
    public const string AwsGpuCountLabel = "karpenter.k8s.aws/instance-gpu-count";
    public const string DefaultImageFamily = "ubuntu";
    public const int NameHashLength = 10;

    /// <summary>
    /// The name of the index-th NodeClaim of a Workspace; the same inputs always give the same name:
    /// "ws" + the first 10 hex characters of SHA-256 over "&lt;namespace&gt;/&lt;name&gt;" + "-" + index.
    /// At most 2 + 10 + 1 + 10 digits = 23 characters, so always a valid DNS label (≤ 63, [a-z0-9-], starts
    /// with a letter). Namespace and name cannot contain '/', so "&lt;ns&gt;/&lt;name&gt;" is unambiguous.
    /// </summary>
    public static string Name(Workspace workspace, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var key = $"{workspace.Metadata.NamespaceProperty}/{workspace.Metadata.Name}";
        return $"ws{DnsNames.HexHash(key, NameHashLength)}-{index.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// The index-th NodeClaim of a Workspace; its disk is sized by <see cref="WorkspaceSemantics.NodeStorage"/> from
    /// <paramref name="model"/>, the model the plan resolved (a Hub model is not in the catalog; null looks the preset up there).
    /// </summary>
    public static NodeClaim Build(Workspace workspace, string instanceType, int index, string cloud, ModelPreset? model) =>
        Build(Name(workspace, index), NodeLabels(workspace), ImageFamily(workspace.Metadata.Annotations), instanceType, cloud, WorkspaceSemantics.NodeStorage(workspace, model));

    /// <summary>A NodeClaim for any owner: the GPU taint, the instance-type requirements of the cloud and the disk size.</summary>
    public static NodeClaim Build(string name, Dictionary<string, string> labels, string imageFamily, string instanceType, string cloud, string storage) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = labels,
            Annotations = new Dictionary<string, string>
            {
                [DoNotDisruptAnnotation] = "true",
                [Annotations.NodeImageFamily] = imageFamily,
            },
        },
        Spec = new NodeClaimSpec
        {
            Taints = [new NodeClaimTaint { Key = ManifestConstants.GpuTaintKey, Value = ManifestConstants.GpuTaintValue, Effect = "NoSchedule" }],
            Requirements = Requirements(instanceType, cloud),
            Resources = new NodeClaimResources
            {
                Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(storage) },
            },
            NodeClassRef = NodeClass(cloud),
        },
    };

    /// <summary>
    /// Ownership labels, then the user's selector labels so the node matches resource.labelSelector:
    /// matchLabels and single-valued In expressions, minus reserved keys. Sorted by key.
    /// </summary>
    public static Dictionary<string, string> NodeLabels(Workspace workspace) =>
        NodeLabels(workspace.Resource?.LabelSelector, Labels.Workspace, Labels.WorkspaceNamespace, workspace.Metadata.Name, workspace.Metadata.NamespaceProperty);

    /// <summary>The selector's labels (reserved keys dropped), the node pool, and the owner's name and namespace labels.</summary>
    public static Dictionary<string, string> NodeLabels(V1LabelSelector? selector, string ownerLabel, string ownerNamespaceLabel, string name, string @namespace)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in selector?.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!Labels.ReservedSelectorKeys.Contains(key)) labels[key] = value;
        }
        foreach (var expression in selector?.MatchExpressions ?? [])
        {
            if (string.Equals(expression.OperatorProperty, "In", StringComparison.Ordinal) && expression.Values is { Count: 1 }
                && !Labels.ReservedSelectorKeys.Contains(expression.Key))
                labels[expression.Key] = expression.Values[0];
        }
        labels[NodePoolLabel] = NodePoolValue;
        labels[ownerLabel] = name;
        labels[ownerNamespaceLabel] = @namespace;
        return new Dictionary<string, string>(labels);
    }

    /// <summary>The workspace's kaito.sh/node-image-family when ubuntu or azurelinux (trimmed, any case), else ubuntu.</summary>
    public static string ImageFamily(IDictionary<string, string>? annotations)
    {
        var asked = annotations?.TryGetValue(Annotations.NodeImageFamily, out var value) == true
            ? value.Trim().ToLowerInvariant() : "";
        return asked is "ubuntu" or "azurelinux" ? asked : DefaultImageFamily;
    }

    static List<NodeSelectorRequirementWithMinValues> Requirements(string instanceType, string cloud)
    {
        var requirements = new List<NodeSelectorRequirementWithMinValues>
        {
            In(NodePoolLabel, NodePoolValue),
            In(InstanceTypeLabel, instanceType),
            In(OsLabel, "linux"),
        };
        if (IsCloud(cloud, "azure")) requirements.Add(In(AzureSkuLabel, instanceType));
        if (IsCloud(cloud, "aws")) requirements.Add(new() { Key = AwsGpuCountLabel, Operator = "Gt", Values = ["0"] });
        return requirements;
    }

    static NodeClassReference NodeClass(string cloud) => IsCloud(cloud, "aws")
        ? new() { Group = "karpenter.k8s.aws", Kind = "EC2NodeClass", Name = "default" }
        : new() { Group = "kaito.sh", Kind = "KaitoNodeClass", Name = "default" };

    static bool IsCloud(string cloud, string expected) => string.Equals(cloud?.Trim(), expected, StringComparison.OrdinalIgnoreCase);

    static NodeSelectorRequirementWithMinValues In(string key, string value) => new() { Key = key, Operator = "In", Values = [value] };
}
