using Kaito.Presets;

namespace Kaito.Presets.Tests;

public class TrainingOutputTests
{
    [Theory]
    [InlineData("training_config:\n  TrainingArguments:\n    output_dir: \"/mnt/results\"\n", "/mnt/results")]
    [InlineData("training_config:\n  TrainingArguments:\n    output_dir: results/phi\n", "/mnt/results/phi")]
    [InlineData("training_config:\n  TrainingArguments:\n    output_dir: /mnt/a/../b/./c\n", "/mnt/b/c")]
    [InlineData("training_config:\n  TrainingArguments:\n    per_device_train_batch_size: 1\n", TrainingOutput.DefaultDir)]
    [InlineData("training_config:\n  TrainingArguments:\n    output_dir: null\n", TrainingOutput.DefaultDir)]
    [InlineData("training_config:\n  LoraConfig:\n    r: 8\n", TrainingOutput.DefaultDir)]
    public void Output_dir_is_read_and_normalised(string yaml, string expected)
    {
        var (dir, problem) = TrainingOutput.Read(yaml);
        Assert.Null(problem);
        Assert.Equal(expected, dir);
    }

    [Theory]
    [InlineData("training_config:\n  TrainingArguments:\n    output_dir: /tmp/out\n", "\"/tmp/out\" must be a directory under /mnt/")]
    [InlineData("training_config:\n  TrainingArguments:\n    output_dir: /mnt\n", "must be a directory under /mnt/")]
    [InlineData("training_config:\n  TrainingArguments:\n    output_dir: [a, b]\n", "output_dir must be a string path")]
    // PyYAML reads these as a number and a boolean: the trainer would get no path from them.
    [InlineData("training_config:\n  TrainingArguments:\n    output_dir: 5\n", "output_dir must be a string path")]
    [InlineData("training_config:\n  TrainingArguments:\n    output_dir: true\n", "output_dir must be a string path")]
    [InlineData("training_config: [\n", "not valid YAML")]
    [InlineData("ModelConfig: {}\n", "no 'training_config:' mapping")]
    [InlineData("", "no 'training_config:' mapping")]
    public void Unusable_configs_say_why(string yaml, string expected)
    {
        var (dir, problem) = TrainingOutput.Read(yaml);
        Assert.Null(dir);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/mnt/results", true)]
    [InlineData("results", true)]
    [InlineData("/mnt/a/../b", true)]
    [InlineData("/mnt", false)]
    [InlineData("/mnt/", false)]
    [InlineData("/mnt/..", false)]
    [InlineData("/mntx", false)]
    [InlineData("/tmp/results", false)]
    [InlineData("../mnt2/x", false)]
    public void Directories_must_resolve_strictly_below_mnt(string dir, bool ok) => Assert.Equal(ok, TrainingOutput.Normalize(dir) is not null);
}
