using System.Text.Json.Nodes;
using Kaito.TestDoubles.GpuImage;

namespace Kaito.TestDoubles.Tests;

/// <summary>The trainer double against a scratch directory (its file system checks are what make it useful).</summary>
public sealed class TrainerTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("trainer-double-").FullName;
    readonly StringWriter log = new();

    string Weights => Path.Combine(root, "weights");
    string Data => Path.Combine(root, "data");
    string Output => Path.Combine(root, "out");

    public TrainerTests()
    {
        Directory.CreateDirectory(Weights);
        File.WriteAllText(Path.Combine(Weights, "config.json"), "{}");
        Directory.CreateDirectory(Data);
        Environment.SetEnvironmentVariable("DATASET_FOLDER_PATH", Data);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("YAML_FILE_PATH", null);
        Environment.SetEnvironmentVariable("DATASET_FOLDER_PATH", null);
        Directory.Delete(root, recursive: true);
    }

    int Train(string? config = null, params string[] args)
    {
        var path = Path.Combine(root, "training_config.yaml");
        File.WriteAllText(path, config ?? $"training_config:\n  ModelConfig:\n    pretrained_model_name_or_path: \"{Weights}\"\n  LoraConfig:\n    r: 16\n  TrainingArguments:\n    output_dir: \"{Output}\"\n");
        Environment.SetEnvironmentVariable("YAML_FILE_PATH", path);
        return Trainer.Run(args, log);
    }

    static byte[] Parquet(string body) => [.. "PAR1"u8, .. System.Text.Encoding.UTF8.GetBytes(body), .. "PAR1"u8];

    [Fact]
    public void It_writes_an_adapter_that_records_the_dataset_it_read()
    {
        File.WriteAllBytes(Path.Combine(Data, "train-00000.parquet"), Parquet("rows"));
        Assert.Equal(0, Train());
        var adapter = JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "adapter_config.json")))!;
        Assert.Equal(("LORA", 16, "train-00000.parquet"), (adapter["peft_type"]!.GetValue<string>(), adapter["r"]!.GetValue<int>(), adapter["trained_on"]!.GetValue<string>()));
        Assert.True(File.Exists(Path.Combine(Output, "adapter_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(Output, "fine_tuning_completed.txt")));
    }

    [Fact]
    public void Options_on_the_script_are_refused_because_the_real_one_ignores_them()
    {
        File.WriteAllBytes(Path.Combine(Data, "train.parquet"), Parquet("rows"));
        Assert.Equal(1, Train(null, "--output_dir=/mnt/results"));
        Assert.Contains("takes no options", log.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Output));
    }

    [Theory]
    [InlineData("train.parquet", "not-parquet", "is not a Parquet file")]
    [InlineData("notes.txt", "text", "no dataset found")]
    [InlineData("train.csv", "", "is empty")]
    public void Data_a_real_run_would_trip_over_fails_it(string file, string content, string expected)
    {
        File.WriteAllText(Path.Combine(Data, file), content);
        Assert.Equal(1, Train());
        Assert.Contains(expected, log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_weights_and_unknown_sections_fail_it()
    {
        File.WriteAllBytes(Path.Combine(Data, "train.parquet"), Parquet("rows"));
        Assert.Equal(1, Train($"training_config:\n  ModelConfig:\n    pretrained_model_name_or_path: \"{root}/nowhere\"\n"));
        Assert.Contains("model weights not found", log.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, Train($"training_config:\n  ModelConfig:\n    pretrained_model_name_or_path: \"{Weights}\"\n  Trainer:\n    epochs: 1\n"));
        Assert.Contains("training_config.Trainer: unknown section", log.ToString(), StringComparison.Ordinal);
    }
}
