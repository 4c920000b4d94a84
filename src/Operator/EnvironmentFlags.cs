using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Kaito.Operator;

/// <summary>
/// KAITO_&lt;FLAG&gt; environment variables as flags: KAITO_NODE_PROVISIONER=byo is --node-provisioner=byo. They sit
/// below the command line, so a flag given both ways takes the command line's value; an empty variable is no flag.
/// </summary>
public static class EnvironmentFlags
{
    public const string Prefix = "KAITO_";

    public static Dictionary<string, string?> From(IDictionary environment)
    {
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith(Prefix, StringComparison.Ordinal) && name.Length > Prefix.Length && entry.Value is string { Length: > 0 } value)
                flags[name[Prefix.Length..].ToLowerInvariant().Replace('_', '-')] = value;
        }
        return flags;
    }

    /// <summary>Adds the environment's flags beneath every source already there (the command line).</summary>
    public static void AddBeneath(IConfigurationBuilder configuration, IDictionary environment) =>
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = From(environment) });
}
