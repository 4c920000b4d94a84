using System.Security.Cryptography;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kaito.TestDoubles.GpuImage;

/// <summary>
/// A TEST DOUBLE of KAITO's trainer (`accelerate launch … /workspace/tfs/fine_tuning.py`), modelled on its sources: the
/// script takes no options and reads only /mnt/config/training_config.yaml (YAML_FILE_PATH overrides): the model from
/// ModelConfig.pretrained_model_name_or_path (default /workspace/tfs/weights), the dataset from DatasetConfig.dataset_path
/// (under /mnt) or else the first file under /mnt/data whose name mentions csv, json, parquet, arrow or webdataset, and
/// it writes adapter_config.json, adapter_model.safetensors and fine_tuning_completed.txt to TrainingArguments.output_dir.
/// Instead of training, it checks all of that is in place and writes an adapter that records what it read.
/// </summary>
public static class Trainer
{
    public const string Script = "/workspace/tfs/fine_tuning.py";
    const string DefaultConfig = "/mnt/config/training_config.yaml";
    const string DefaultWeights = "/workspace/tfs/weights";
    static readonly string[] DatasetKinds = ["csv", "json", "parquet", "arrow", "webdataset"];
    static readonly string[] Sections = ["ModelConfig", "QuantizationConfig", "LoraConfig", "TrainingArguments", "DatasetConfig", "DataCollator"];

    /// <summary>Runs the trainer; returns the process exit code (0 trained, 1 a problem a real run would hit too).</summary>
    public static int Run(IReadOnlyList<string> scriptArgs, TextWriter log)
    {
        if (scriptArgs.Count > 0)
            return Fail(log, $"fine_tuning.py takes no options (it reads only its config file), got: {string.Join(' ', scriptArgs)}; put settings in training_config.yaml");
        var configPath = Environment.GetEnvironmentVariable("YAML_FILE_PATH") is { Length: > 0 } p ? p : DefaultConfig;
        if (!File.Exists(configPath)) return Fail(log, $"{configPath} not found (is the training ConfigMap mounted?)");
        YamlMappingNode config;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(configPath)));
            if (stream.Documents.Count == 0 || Child(stream.Documents[0].RootNode, "training_config") is not YamlMappingNode c)
                return Fail(log, $"{configPath} has no 'training_config:' mapping");
            config = c;
        }
        catch (YamlException e)
        {
            return Fail(log, $"{configPath} is not valid YAML: {e.Message}");
        }
        foreach (var key in config.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value))
        {
            if (!Sections.Contains(key)) return Fail(log, $"training_config.{key}: unknown section (the trainer knows {string.Join(", ", Sections)})");
        }

        var model = Text(config, "ModelConfig", "pretrained_model_name_or_path") ?? DefaultWeights;
        if (model.StartsWith('/') && !File.Exists(Path.Combine(model, "config.json")))
            return Fail(log, $"model weights not found at {model} (no config.json): set ModelConfig.pretrained_model_name_or_path to where the image keeps them");

        var dataset = Text(config, "DatasetConfig", "dataset_path") is { } relative
            ? Path.Combine("/mnt", relative.Trim('/'))
            : FindDataset(Environment.GetEnvironmentVariable("DATASET_FOLDER_PATH") is { Length: > 0 } d ? d : "/mnt/data");
        if (dataset is null || !File.Exists(dataset)) return Fail(log, $"no dataset found ({dataset ?? "nothing under /mnt/data named csv, json, parquet, arrow or webdataset"})");
        var data = File.ReadAllBytes(dataset);
        if (data.Length == 0) return Fail(log, $"dataset {dataset} is empty");
        if (dataset.Contains("parquet", StringComparison.OrdinalIgnoreCase) && !IsParquet(data))
            return Fail(log, $"dataset {dataset} is not a Parquet file (no PAR1 magic at both ends)");

        var output = Text(config, "TrainingArguments", "output_dir") ?? "trainer_output";
        Directory.CreateDirectory(output);
        var adapter = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["base_model_name_or_path"] = model,
            ["r"] = int.TryParse(Text(config, "LoraConfig", "r"), out var r) ? r : 8,
            ["lora_alpha"] = int.TryParse(Text(config, "LoraConfig", "lora_alpha"), out var alpha) ? alpha : 8,
            ["kaito_test_double"] = "trainer",
            ["trained_on"] = Path.GetFileName(dataset),
            ["trained_on_sha256"] = Convert.ToHexStringLower(SHA256.HashData(data)),
            ["load_in_4bit"] = Text(config, "QuantizationConfig", "load_in_4bit") == "true",
        };
        File.WriteAllText(Path.Combine(output, "adapter_config.json"), adapter.ToJsonString() + "\n");
        File.WriteAllBytes(Path.Combine(output, "adapter_model.safetensors"), new byte[4096]);
        File.WriteAllText(Path.Combine(output, "fine_tuning_completed.txt"), $"Fine-Tuning completed at {DateTime.UtcNow:yyyy-MM-dd-HH-mm-ss}\n");
        log.WriteLine($"test double (trainer): {model} on {dataset} ({data.Length} bytes) -> {output}");
        return 0;
    }

    static bool IsParquet(byte[] data) =>
        data.Length >= 8 && data.AsSpan(0, 4).SequenceEqual("PAR1"u8) && data.AsSpan(data.Length - 4).SequenceEqual("PAR1"u8);

    static string? FindDataset(string folder)
    {
        if (!Directory.Exists(folder)) return null;
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .FirstOrDefault(f => DatasetKinds.Any(k => Path.GetFileName(f).Contains(k, StringComparison.OrdinalIgnoreCase)));
    }

    static string? Text(YamlMappingNode config, string section, string key) =>
        Child(Child(config, section), key) is YamlScalarNode { Value: { Length: > 0 } value } && value is not ("null" or "~") ? value : null;

    static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map ? map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: var k } && k == key).Value : null;

    static int Fail(TextWriter log, string message)
    {
        log.WriteLine($"error: {message}");
        return 1;
    }
}
