using System.Globalization;
using k8s.Models;
using Kaito.Presets;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static Kaito.Presets.YamlNodes;

namespace Kaito.Webhooks.Validation;

/// <summary>The ConfigMaps a workload references: inference_config.yaml, training_config.yaml, guardrails.yaml.</summary>
public static class ConfigMapRules
{
    public const string InferenceKey = "inference_config.yaml";
    public const string TrainingKey = "training_config.yaml";
    public const string GuardrailsKey = "guardrails.yaml";

    public static readonly IReadOnlyList<string> TrainingSections =
        ["ModelConfig", "QuantizationConfig", "LoraConfig", "TrainingArguments", "DatasetConfig", "DataCollator"];

    /// <summary>Reads the ConfigMap and its key; adds an error and returns null when either is missing.</summary>
    public static async Task<string?> ReadKeyAsync(
        IClusterLookup cluster, string @namespace, string name, string key, string path, string kind, FieldErrors errors, CancellationToken cancellationToken)
    {
        V1ConfigMap? map;
        try
        {
            map = await cluster.GetConfigMapAsync(@namespace, name, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            errors.Invalid(path, name, $"could not read ConfigMap {name} in namespace {@namespace} ({e.Message}); retry, or check the operator's RBAC");
            return null;
        }
        if (map is null)
        {
            errors.Invalid(path, name, $"ConfigMap {name} not found in namespace {@namespace}; create it first or remove {path}");
            return null;
        }
        if (map.Data?.TryGetValue(key, out var content) != true || content is null)
        {
            errors.Add(new FieldError(FieldErrorType.Required, path,
                $"ConfigMap {name} has no key {key}; add the {kind} under data.{key}", name));
            return null;
        }
        return content;
    }

    /// <summary>inference_config.yaml: a mapping; its vllm section maps flags to scalars; max-model-len within the model's context.</summary>
    public static void ValidateInferenceConfig(string content, string name, ModelPreset? model, string path, FieldErrors errors)
    {
        if (!TryParse(content, out var root, out var parseError))
        {
            errors.Invalid(path, name, $"{InferenceKey} in ConfigMap {name} is not valid YAML ({parseError}); fix the YAML");
            return;
        }
        if (root is null) return;
        if (root is not YamlMappingNode map)
        {
            errors.Invalid(path, name, $"{InferenceKey} in ConfigMap {name} must be a YAML mapping such as 'vllm: {{max-model-len: 4096}}'");
            return;
        }
        var vllmNode = Child(map, "vllm");
        if (vllmNode is null || IsNull(vllmNode)) return;
        if (vllmNode is not YamlMappingNode vllm)
        {
            errors.Invalid(path, name, $"the vllm section of {InferenceKey} in ConfigMap {name} must be a mapping of vLLM flags to values");
            return;
        }
        foreach (var (key, value) in vllm.Children)
        {
            if (value is not YamlScalarNode)
                errors.Invalid(path, name, $"vllm.{(key as YamlScalarNode)?.Value} in ConfigMap {name} must be a single value (string, number or boolean), not a list or mapping");
        }
        if (Child(vllm, "max-model-len") is YamlScalarNode { Value: { } text } && !string.IsNullOrWhiteSpace(text) && model is not null)
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var length) || length < 1)
                errors.Invalid(path, name, $"vllm.max-model-len \"{text}\" in ConfigMap {name} must be a positive integer");
            else if (length > model.ContextLimit)
                errors.Invalid(path, name, $"vllm.max-model-len {length} in ConfigMap {name} exceeds the {model.ContextLimit}-token context of {model.Name}; lower it to at most {model.ContextLimit}");
        }
    }

    /// <summary>training_config.yaml: known sections, quantisation matching the method, output_dir under /mnt/.</summary>
    public static void ValidateTrainingConfig(string content, string name, string? method, string path, FieldErrors errors)
    {
        if (!TryParse(content, out var root, out var parseError))
        {
            errors.Invalid(path, name, $"{TrainingKey} in ConfigMap {name} is not valid YAML ({parseError}); fix the YAML");
            return;
        }
        if (root is not YamlMappingNode top || Child(top, "training_config") is not YamlMappingNode config)
        {
            errors.Invalid(path, name, $"{TrainingKey} in ConfigMap {name} must hold a mapping 'training_config:' with sections {string.Join(", ", TrainingSections)}");
            return;
        }
        foreach (var (key, _) in config.Children)
        {
            var section = (key as YamlScalarNode)?.Value;
            if (section is null || !TrainingSections.Contains(section, StringComparer.Ordinal))
                errors.Invalid(path, name, $"training_config.{section} in ConfigMap {name} is not a known section; use {string.Join(", ", TrainingSections)}");
        }

        bool? fourBit = null, eightBit = null;
        if (Child(config, "QuantizationConfig") is YamlMappingNode quantization)
        {
            fourBit = Flag(quantization, "load_in_4bit", name, path, errors);
            eightBit = Flag(quantization, "load_in_8bit", name, path, errors);
        }
        var anyTrue = fourBit == true || eightBit == true;
        if (fourBit == true && eightBit == true)
            errors.Invalid(path, name, $"ConfigMap {name} sets both load_in_4bit and load_in_8bit to true; set at most one");
        switch (method?.ToLowerInvariant())
        {
            case "lora" when anyTrue:
                errors.Invalid(path, name, $"method lora trains unquantized weights but ConfigMap {name} sets load_in_4bit or load_in_8bit to true; set them false or use method qlora");
                break;
            case "qlora" when !anyTrue:
                errors.Invalid(path, name, $"method qlora needs quantized weights; set QuantizationConfig.load_in_4bit (or load_in_8bit) to true in ConfigMap {name}, or use method lora");
                break;
        }

        // The reconciler mounts the results volume where the same reading says.
        if (TrainingOutput.FromConfig(config).Problem is { } problem) errors.Invalid(path, name, $"{problem} (ConfigMap {name})");
    }

    static bool? Flag(YamlMappingNode section, string key, string name, string path, FieldErrors errors)
    {
        var node = Child(section, key);
        if (node is null || IsNull(node)) return null;
        if (node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: var text })
        {
            if (text is "true" or "True" or "TRUE") return true;
            if (text is "false" or "False" or "FALSE") return false;
        }
        errors.Invalid(path, name, $"QuantizationConfig.{key} in ConfigMap {name} must be true, false or null");
        return null;
    }

    static bool TryParse(string content, out YamlNode? root, out string? error)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(content));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            if (root is not null && IsNull(root)) root = null;
            error = null;
            return true;
        }
        catch (YamlException e)
        {
            root = null;
            error = e.Message;
            return false;
        }
    }
}
