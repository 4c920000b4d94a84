namespace Kaito.Reconcilers.Runtime;

/// <summary>The work-queue key of an object: namespace/name ("" namespace for cluster-scoped objects).</summary>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";

    public static ObjectKey Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new ObjectKey("", key) : new ObjectKey(key[..slash], key[(slash + 1)..]);
    }
}
