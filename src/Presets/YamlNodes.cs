using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kaito.Presets;

/// <summary>
/// YAML nodes as the Python loaders of KAITO's images (PyYAML's safe_load) type them: a plain scalar that reads as null,
/// a boolean or a number is not a string.
/// </summary>
public static class YamlNodes
{
    /// <summary>The value under <paramref name="key"/> of a mapping; null for a missing key or a node that is not a mapping.</summary>
    public static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map ? map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: var k } && k == key).Value : null;

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    public static bool IsString(YamlNode node) =>
        node is YamlScalarNode scalar && (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any) ||
            (!IsNull(scalar) && scalar.Value is not ("true" or "false" or "True" or "False" or "TRUE" or "FALSE") &&
             !double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)));
}
