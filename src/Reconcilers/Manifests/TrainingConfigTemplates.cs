using System.Text;
using Kaito.Presets;

namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// Default training_config.yaml for lora and qlora (kaito-api.md §4.7.1). Deviations: torch_dtype and the 4-bit
/// compute dtype follow the plan's dtype (float16 on GPUs without bfloat16, such as V100), and local_files_only is
/// false for download-at-runtime models.
/// </summary>
public static class TrainingConfigTemplates
{
    public const string Lora = "lora";
    public const string Qlora = "qlora";

    /// <summary>qlora when the method is qlora (any case), else lora.</summary>
    public static string NormalizeMethod(string? method) =>
        string.Equals(method?.Trim(), Qlora, StringComparison.OrdinalIgnoreCase) ? Qlora : Lora;

    public static string Render(string? method, string dtype, ModelPreset? model)
    {
        var qlora = NormalizeMethod(method) == Qlora;
        var localOnly = model?.DownloadAtRuntime == true ? "false" : "true";
        var yaml = new StringBuilder()
            .Append("training_config:\n")
            .Append("  ModelConfig:\n");
        if (model is not null) yaml.Append("    pretrained_model_name_or_path: \"").Append(InferenceCommand.ModelSource(model)).Append("\"\n");
        yaml
            .Append("    torch_dtype: \"").Append(dtype).Append("\"\n")
            .Append("    local_files_only: ").Append(localOnly).Append('\n')
            .Append("    device_map: \"auto\"\n")
            .Append("  QuantizationConfig:\n");
        if (qlora)
        {
            yaml.Append("    load_in_4bit: true\n")
                .Append("    bnb_4bit_quant_type: \"nf4\"\n")
                .Append("    bnb_4bit_compute_dtype: \"").Append(dtype).Append("\"\n")
                .Append("    bnb_4bit_use_double_quant: true\n");
        }
        else
        {
            yaml.Append("    load_in_4bit: false\n");
        }
        return yaml
            .Append("  LoraConfig:\n")
            .Append("    r: 8\n")
            .Append("    lora_alpha: 8\n")
            .Append("    lora_dropout: 0.0\n")
            .Append("  TrainingArguments:\n")
            .Append("    output_dir: \"").Append(ManifestConstants.ResultsPath).Append("\"\n")
            .Append("    ddp_find_unused_parameters: false\n")
            .Append("    save_strategy: \"no\"\n")
            .Append("    per_device_train_batch_size: 1\n")
            .Append("  DataCollator:\n")
            .Append("    mlm: true\n")
            .Append("  DatasetConfig:\n")
            .Append("    shuffle_dataset: true\n")
            .Append("    train_test_split: 1\n")
            .ToString();
    }
}
