using System.Globalization;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Presets;

namespace Kaito.GpuSimulator;

/// <summary>The Node a NodeClaim becomes: the SKU's GPUs as capacity and NVIDIA feature-discovery labels.</summary>
public static class NodeFactory
{
    public const string InstanceTypeLabel = "node.kubernetes.io/instance-type";

    public static string? InstanceType(NodeClaim claim) =>
        claim.Spec?.Requirements?.FirstOrDefault(r => r.Key == InstanceTypeLabel && r.Operator == "In")?.Values?.FirstOrDefault();

    /// <summary>The catalog's SKU, else a size the simulated cloud sells beyond it; null for a name no cloud sells.</summary>
    public static GpuSku? FindSku(string instanceType) => SkuCatalog.Default.FindInAnyCloud(instanceType) ?? UnlistedCloudSkus.Find(instanceType);

    public static V1Node Build(string name, GpuSku sku, IDictionary<string, string>? labels, IEnumerable<V1Taint> taints, string storage)
    {
        var all = new Dictionary<string, string>(labels ?? new Dictionary<string, string>())
        {
            [InstanceTypeLabel] = sku.Name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = name,
            [SimulationLabels.Simulated] = "true",
        };
        foreach (var (key, value) in NodeGpuLabels.For(sku)) all[key] = value;
        return new V1Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new V1ObjectMeta { Name = name, Labels = all },
            Spec = new V1NodeSpec { Taints = [.. taints], ProviderID = $"kaito-sim://{name}" },
            Status = Status(sku.GpuCount, storage, name, DateTime.UtcNow),
        };
    }

    /// <summary>The cluster's ordinary (system pool) node: no GPU, no taint. CPU services such as a remote-embedding RAGEngine run here.</summary>
    public static V1Node BuildCpu(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string>
            {
                [InstanceTypeLabel] = CpuInstanceType,
                ["kubernetes.io/os"] = "linux",
                ["kubernetes.io/arch"] = "amd64",
                ["kubernetes.io/hostname"] = name,
                [SimulationLabels.Simulated] = "true",
            },
        },
        Spec = new V1NodeSpec { ProviderID = $"kaito-sim://{name}" },
    };

    public const string CpuInstanceType = "Standard_D8s_v3";

    public static V1NodeStatus Status(int gpus, string storage, string name, DateTime now)
    {
        var resources = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(gpus > 0 ? "96" : "8"),
            ["memory"] = new(gpus > 0 ? "880Gi" : "32Gi"),
            ["pods"] = new("110"),
            ["ephemeral-storage"] = new(storage),
        };
        if (gpus > 0) resources["nvidia.com/gpu"] = new(gpus.ToString(CultureInfo.InvariantCulture));
        return new V1NodeStatus
        {
            Capacity = resources,
            Allocatable = resources,
            Addresses = [new V1NodeAddress { Type = "InternalIP", Address = AddressFor(name) }, new V1NodeAddress { Type = "Hostname", Address = name }],
            Conditions = Conditions(now),
            NodeInfo = new V1NodeSystemInfo
            {
                Architecture = "amd64", OperatingSystem = "linux", OsImage = "Simulated GPU node", KernelVersion = "6.1.0",
                KubeletVersion = "v1.20.2", KubeProxyVersion = "v1.20.2", ContainerRuntimeVersion = "simulated://1",
                MachineID = name, SystemUUID = name, BootID = name,
            },
        };
    }

    public static List<V1NodeCondition> Conditions(DateTime now) =>
    [
        new() { Type = "Ready", Status = "True", Reason = "KubeletReady", Message = "simulated kubelet is posting ready status", LastHeartbeatTime = now, LastTransitionTime = now },
        new() { Type = "MemoryPressure", Status = "False", Reason = "KubeletHasSufficientMemory", LastHeartbeatTime = now, LastTransitionTime = now },
        new() { Type = "DiskPressure", Status = "False", Reason = "KubeletHasNoDiskPressure", LastHeartbeatTime = now, LastTransitionTime = now },
        new() { Type = "PIDPressure", Status = "False", Reason = "KubeletHasSufficientPID", LastHeartbeatTime = now, LastTransitionTime = now },
    ];

    /// <summary>A stable address per node name, in 198.18.128.0/18 (the local cluster's address plan: hack/local-cluster/common.sh).</summary>
    public static string AddressFor(string name)
    {
        var hash = (uint)StableHash(name);
        return $"198.18.{128 + ((hash >> 8) & 0x3F)}.{Math.Max(1, hash & 0xFE)}";
    }

    internal static int StableHash(string text)
    {
        unchecked
        {
            var hash = 17;
            foreach (var c in text) hash = hash * 31 + c;
            return hash;
        }
    }
}
