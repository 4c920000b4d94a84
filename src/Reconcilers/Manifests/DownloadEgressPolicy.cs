using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// The NetworkPolicy of a tuning pod that downloads URLs: egress to DNS (kube-dns) and to public addresses only, so a
/// URL or redirect that slips past admission and the downloader's own checks still cannot reach the cluster's private
/// ranges, the node or a cloud's metadata service — on clusters whose network plugin enforces policies. Networks the
/// operator allows (--download-allowed-networks: a private storage endpoint or registry) are reachable too.
/// </summary>
public static class DownloadEgressPolicy
{
    public const string Suffix = "-download-egress";

    /// <summary>Private (RFC 1918), shared (CGNAT, used by some CNIs for pods), loopback, link-local (cloud metadata), "this network", multicast and reserved.</summary>
    public static readonly IReadOnlyList<string> DeniedIPv4 =
        ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3"];

    /// <summary>
    /// Loopback, unique local, link-local and multicast. Not the IPv4-mapped ::ffff:0:0/96: the API server reads it as an
    /// IPv4 range and refuses it as outside ::/0 (and such addresses never appear on the wire).
    /// </summary>
    public static readonly IReadOnlyList<string> DeniedIPv6 = ["::1/128", "fc00::/7", "fe80::/10", "ff00::/8"];

    public static V1NetworkPolicy Build(Workspace workspace, long revision, TuningImages images)
    {
        var egress = new List<V1NetworkPolicyEgressRule>
        {
            new()
            {
                To =
                [
                    new V1NetworkPolicyPeer
                    {
                        NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "kube-system" } },
                        PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["k8s-app"] = "kube-dns" } },
                    },
                ],
                Ports = [new V1NetworkPolicyPort { Protocol = "UDP", Port = 53 }, new V1NetworkPolicyPort { Protocol = "TCP", Port = 53 }],
            },
            new()
            {
                To =
                [
                    new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = "0.0.0.0/0", Except = [.. DeniedIPv4] } },
                    new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = "::/0", Except = [.. DeniedIPv6] } },
                ],
            },
        };
        if (images.DownloadAllowedNetworks is { Count: > 0 } allowed)
            egress.Add(new V1NetworkPolicyEgressRule { To = [.. allowed.Select(cidr => new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = cidr } })] });

        return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = OwnedMetadata.For(workspace, workspace.Metadata.Name + Suffix, revision),
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchLabels = OwnedMetadata.SelectorLabels(workspace) },
                PolicyTypes = ["Egress"],
                Egress = egress,
            },
        };
    }
}
