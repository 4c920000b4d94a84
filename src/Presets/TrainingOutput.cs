using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kaito.Presets;

/// <summary>
/// Where KAITO's trainer writes the adapter: <c>training_config.TrainingArguments.output_dir</c> of
/// training_config.yaml (the trainer reads no command-line options, only that file). Relative paths are taken under
/// /mnt; the directory must lie strictly below /mnt, where the Job mounts the results volume.
/// </summary>
public static class TrainingOutput
{
    /// <summary>The results directory when the config names none (KAITO's default).</summary>
    public const string DefaultDir = "/mnt/output";

    /// <summary>The normalised absolute form of <paramref name="dir"/> when it lies strictly below /mnt, else null.</summary>
    public static string? Normalize(string? dir)
    {
        if (string.IsNullOrWhiteSpace(dir) || dir.Contains('\\', StringComparison.Ordinal) || dir.Contains('\0', StringComparison.Ordinal)) return null;
        var full = dir.StartsWith('/') ? dir : "/mnt/" + dir;
        var parts = new List<string>();
        foreach (var part in full.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return parts.Count >= 2 && parts[0] == "mnt" ? "/" + string.Join('/', parts) : null;
    }

    /// <summary>The results directory <paramref name="trainingConfigYaml"/> names, or why it names none that can be used.</summary>
    public static (string? Dir, string? Problem) Read(string? trainingConfigYaml)
    {
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(trainingConfigYaml ?? ""));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            return (null, $"it is not valid YAML ({e.Message})");
        }
        return YamlNodes.Child(root, "training_config") is YamlMappingNode config ? FromConfig(config) : (null, "it has no 'training_config:' mapping");
    }

    /// <summary>The results directory the <c>training_config:</c> mapping names (the default when it names none), or why it names none that can be used.</summary>
    public static (string? Dir, string? Problem) FromConfig(YamlMappingNode trainingConfig)
    {
        var value = YamlNodes.Child(YamlNodes.Child(trainingConfig, "TrainingArguments"), "output_dir");
        if (value is null || YamlNodes.IsNull(value)) return (DefaultDir, null);
        if (value is not YamlScalarNode { Value: { } text } || !YamlNodes.IsString(value)) return (null, "TrainingArguments.output_dir must be a string path under /mnt/");
        return Normalize(text) is { } dir
            ? (dir, null)
            : (null, $"TrainingArguments.output_dir \"{text}\" must be a directory under /mnt/, for example /mnt/results");
    }
}
