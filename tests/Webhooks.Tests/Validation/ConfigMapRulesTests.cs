using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class ConfigMapRulesTests
{
    static ValidationResult Inference(FakeCluster? cluster, string config = "params")
    {
        var workspace = Manifests.Inference();
        workspace.Inference!.Config = config;
        return Create(workspace, cluster: cluster);
    }

    static ValidationResult Tuning(FakeCluster? cluster, string method = "qlora")
    {
        var workspace = Manifests.Tuning();
        workspace.Tuning!.Config = "train";
        workspace.Tuning.Method = method;
        return Create(workspace, cluster: cluster);
    }

    static FakeCluster Training(string yaml) => new FakeCluster().WithConfigMap("train", "training_config.yaml", yaml);

    const string Qlora = """
        training_config:
          ModelConfig: {torch_dtype: bfloat16}
          QuantizationConfig: {load_in_4bit: true}
          TrainingArguments: {output_dir: /mnt/results}
        """;

    [Fact]
    public void Inference_config_is_valid()
    {
        var cluster = new FakeCluster().WithConfigMap("params", "inference_config.yaml", "vllm:\n  max-model-len: 4096\n  cpu-offload-gb: 0\nmax_probe_steps: 6\n");
        Valid(Inference(cluster));
    }

    [Fact]
    public void Inference_config_missing_configmap_or_key()
    {
        Single(Inference(new FakeCluster()), "inference.config", FieldErrorType.Invalid);
        Single(Inference(new FakeCluster().WithConfigMap("params", "other.yaml", "")), "inference.config", FieldErrorType.Required);
        Single(Inference(new FakeCluster().WithConfigMap("params", "inference_config.yaml", "", "other-ns")), "inference.config", FieldErrorType.Invalid);
    }

    [Theory]
    [InlineData("vllm: [")]
    [InlineData("- a\n- b\n")]
    [InlineData("vllm: 3\n")]
    [InlineData("vllm:\n  tensor-parallel-size: [1, 2]\n")]
    [InlineData("vllm:\n  max-model-len: 8192\n")]
    [InlineData("vllm:\n  max-model-len: lots\n")]
    public void Inference_config_content_problems(string yaml)
    {
        var cluster = new FakeCluster().WithConfigMap("params", "inference_config.yaml", yaml);
        Single(Inference(cluster), "inference.config", FieldErrorType.Invalid);
    }

    [Fact]
    public void Without_cluster_the_check_is_skipped_with_a_warning()
    {
        var result = Inference(null);
        Valid(result);
        Assert.Contains(result.Warnings, w => w.Contains("inference.config not checked", StringComparison.Ordinal));
        var tuning = Tuning(null);
        Valid(tuning);
        Assert.Contains(tuning.Warnings, w => w.Contains("tuning.config not checked", StringComparison.Ordinal));
    }

    [Fact]
    public void Training_config_is_valid() => Valid(Tuning(Training(Qlora)));

    [Fact]
    public void Training_config_missing_configmap_or_key()
    {
        Single(Tuning(new FakeCluster()), "tuning.config", FieldErrorType.Invalid);
        Single(Tuning(new FakeCluster().WithConfigMap("train", "inference_config.yaml", Qlora)), "tuning.config", FieldErrorType.Required);
    }

    [Theory]
    [InlineData("training_config: [1]\n")]
    [InlineData("other: {}\n")]
    [InlineData("training_config:\n  QuantizationConfig: {load_in_4bit: true}\n  Extra: {}\n")]
    [InlineData("training_config:\n  QuantizationConfig: {load_in_4bit: true, load_in_8bit: true}\n")]
    [InlineData("training_config:\n  QuantizationConfig: {load_in_4bit: \"yes\", load_in_8bit: true}\n")]
    [InlineData("training_config:\n  QuantizationConfig: {load_in_4bit: false}\n")]
    [InlineData("training_config:\n  ModelConfig: {}\n")]
    [InlineData("training_config:\n  QuantizationConfig: {load_in_4bit: true}\n  TrainingArguments: {output_dir: /mnt}\n")]
    [InlineData("training_config:\n  QuantizationConfig: {load_in_4bit: true}\n  TrainingArguments: {output_dir: /mnt/../etc}\n")]
    [InlineData("training_config:\n  QuantizationConfig: {load_in_4bit: true}\n  TrainingArguments: {output_dir: /mntx/results}\n")]
    [InlineData("training_config:\n  QuantizationConfig: {load_in_4bit: true}\n  TrainingArguments: {output_dir: ../../etc}\n")]
    [InlineData("training_config:\n  QuantizationConfig: {load_in_4bit: true}\n  TrainingArguments: {output_dir: 5}\n")]
    public void Training_config_problems_for_qlora(string yaml) =>
        Single(Tuning(Training(yaml)), "tuning.config", FieldErrorType.Invalid);

    [Fact]
    public void Lora_forbids_quantization()
    {
        Single(Tuning(Training(Qlora), "lora"), "tuning.config", FieldErrorType.Invalid);
        Valid(Tuning(Training("training_config:\n  LoraConfig: {r: 8}\n"), "lora"));
        Valid(Tuning(Training("training_config:\n  QuantizationConfig: {load_in_4bit: false, load_in_8bit: null}\n"), "lora"));
    }
}
