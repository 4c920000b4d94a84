using System.Globalization;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Manifests;

namespace Kaito.Reconcilers.RAGEngines;

/// <summary>The one GPU NodeClaim of a RAGEngine with a local embedding model, named deterministically.</summary>
public static class RAGEngineNodeClaims
{
    /// <summary>Model weights of embedding models are small: a 200 GiB disk.</summary>
    public const string Storage = "200Gi";

    /// <summary>"rag" + 10 hex characters of SHA-256 over "&lt;namespace&gt;/&lt;name&gt;" + "-0": the same RAGEngine always gets the same name.</summary>
    public static string Name(RAGEngine rag) =>
        $"rag{DnsNames.HexHash($"{rag.Metadata.NamespaceProperty}/{rag.Metadata.Name}", NodeClaimManifests.NameHashLength)}-{0.ToString(CultureInfo.InvariantCulture)}";

    public static NodeClaim Build(RAGEngine rag, string instanceType, string cloud) => NodeClaimManifests.Build(
        Name(rag),
        NodeClaimManifests.NodeLabels(rag.Spec?.Compute?.LabelSelector, Labels.RAGEngine, Labels.RAGEngineNamespace, rag.Metadata.Name, rag.Metadata.NamespaceProperty),
        NodeClaimManifests.ImageFamily(rag.Metadata.Annotations),
        instanceType, cloud, Storage);
}
