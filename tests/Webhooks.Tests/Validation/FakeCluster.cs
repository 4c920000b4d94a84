using k8s.Models;
using Kaito.Webhooks.Validation;

namespace Kaito.Webhooks.Tests.Validation;

/// <summary>An in-memory cluster: ConfigMaps by namespace/name, and nodes matched against the selector's matchLabels and In expressions.</summary>
public sealed class FakeCluster : IClusterLookup
{
    public Dictionary<(string Namespace, string Name), V1ConfigMap> ConfigMaps { get; } = [];

    public List<V1Node> Nodes { get; } = [];

    public Dictionary<(string Namespace, string Name), V1Secret> Secrets { get; } = [];

    public FakeCluster WithSecret(string name, string key, string value, string @namespace = "default")
    {
        Secrets[(@namespace, name)] = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
            Data = new Dictionary<string, byte[]> { [key] = System.Text.Encoding.UTF8.GetBytes(value) },
        };
        return this;
    }

    public Task<V1Secret?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Secrets.GetValueOrDefault((@namespace, name)));

    public int NodeListings { get; private set; }

    public FakeCluster WithConfigMap(string name, string key, string content, string @namespace = "default")
    {
        ConfigMaps[(@namespace, name)] = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
            Data = new Dictionary<string, string> { [key] = content },
        };
        return this;
    }

    public FakeCluster WithGpuNode(string name, string product, int gpus, int memoryMiB, params (string Key, string Value)[] labels)
    {
        var all = labels.ToDictionary(l => l.Key, l => l.Value);
        all["nvidia.com/gpu.product"] = product;
        all["nvidia.com/gpu.count"] = gpus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        all["nvidia.com/gpu.memory"] = memoryMiB.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Nodes.Add(new V1Node { Metadata = new V1ObjectMeta { Name = name, Labels = all } });
        return this;
    }

    public Task<V1ConfigMap?> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(ConfigMaps.GetValueOrDefault((@namespace, name)));

    public Task<IReadOnlyList<V1Node>> ListNodesAsync(V1LabelSelector selector, CancellationToken cancellationToken)
    {
        NodeListings++;
        IReadOnlyList<V1Node> matching = [.. Nodes.Where(n => Matches(selector, n.Metadata.Labels ?? new Dictionary<string, string>()))];
        return Task.FromResult(matching);
    }

    static bool Matches(V1LabelSelector selector, IDictionary<string, string> labels) =>
        (selector.MatchLabels ?? new Dictionary<string, string>()).All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value) &&
        (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
        {
            "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
            "NotIn" => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
            "Exists" => labels.ContainsKey(e.Key),
            "DoesNotExist" => !labels.ContainsKey(e.Key),
            _ => false,
        });
}
