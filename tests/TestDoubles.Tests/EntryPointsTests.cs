using System.Text.Json.Nodes;
using Kaito.Api.V1Beta1.Serialization;
using Kaito.TestDoubles.GpuImage;
using Kaito.Testing;

namespace Kaito.TestDoubles.Tests;

/// <summary>The GPU image double reads command lines as strictly as it claims: what it rejects, and that it accepts what the operator renders.</summary>
public sealed class EntryPointsTests
{
    static readonly string[] Vllm = ["python3", EntryPoints.VllmScript];
    static readonly string[] Transformers = ["accelerate", "launch", "--num_processes=1", "--num_machines=1", "--machine_rank=0", "--gpu_ids=all", EntryPoints.TransformersScript];

    static (ServerSettings? Settings, List<string> Errors) Read(string[] entry, params string[] args) => EntryPoints.Read([.. entry, .. args]);

    [Fact]
    public void A_vllm_command_line_is_read_into_the_served_name_adapters_and_port()
    {
        var (settings, errors) = Read(Vllm, "--model=/workspace/weights", "--served-model-name=phi-3", "--dtype=float16", "--tensor-parallel-size=1",
            "--max-model-len", "4096", "--gpu-memory-utilization=0.84", "--port=5000", "--enable-lora", "--lora-modules", "a=/mnt/adapter/a", "b=/mnt/adapter/b");

        Assert.Empty(errors);
        Assert.Equal("phi-3", settings!.ServedModelName);
        Assert.Equal(5000, settings.Port);
        Assert.Equal(["a", "b"], settings.Adapters.Select(a => a.Name));
        Assert.Equal("/mnt/adapter/b", settings.Adapters[1].Path);
    }

    [Theory]
    [InlineData("--no-such-flag=1", "unrecognized argument: --no-such-flag")]
    [InlineData("--enable-lora=true", "ignored explicit argument")]
    [InlineData("--tensor-parallel-size=two", "invalid int value")]
    [InlineData("--tensor-parallel-size=0", "must be at least 1")]
    [InlineData("--gpu-memory-utilization=1.5", "must be in (0, 1]")]
    [InlineData("--dtype=fp16", "invalid choice")]
    [InlineData("--port=70000", "not a port")]
    [InlineData("--kv-events-config={enable", "invalid JSON")]
    [InlineData("--max-model-len", "expected one argument")]
    [InlineData("stray", "unrecognized argument: stray")]
    public void A_vllm_option_the_entry_point_would_refuse_is_an_error(string bad, string expected)
    {
        var (settings, errors) = Read(Vllm, "--model=/workspace/weights", bad);

        Assert.Null(settings);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Lora_modules_need_enable_lora_and_name_equals_path()
    {
        Assert.Contains(Read(Vllm, "--model=m", "--lora-modules", "a=/mnt/adapter/a").Errors, e => e.Contains("needs --enable-lora", StringComparison.Ordinal));
        Assert.Contains(Read(Vllm, "--model=m", "--enable-lora", "--lora-modules", "just-a-name").Errors, e => e.Contains("not name=path", StringComparison.Ordinal));
    }

    [Fact]
    public void The_transformers_server_has_no_port_or_adapters_directory_option()
    {
        // What the operator emitted before the double ran it: KAITO's server silently ignores both.
        Assert.Contains(Read(Transformers, "--pretrained_model_name_or_path=/workspace/weights", "--port=5000").Errors,
            e => e.Contains("unrecognized argument: --port", StringComparison.Ordinal));
        Assert.Contains(Read(Transformers, "--pretrained_model_name_or_path=/workspace/weights", "--adapters_dir=/mnt/adapter").Errors,
            e => e.Contains("unrecognized argument: --adapters_dir", StringComparison.Ordinal));
        // Its options are declared with underscores only.
        Assert.NotEmpty(Read(Transformers, "--served-model-name=x").Errors);
    }

    [Fact]
    public void Only_the_entry_points_of_the_images_are_served()
    {
        Assert.NotEmpty(EntryPoints.Read(["python3", "/workspace/other.py", "--model=m"]).Errors);
        Assert.NotEmpty(EntryPoints.Read(["accelerate", "launch", "--num_processes=1", "/workspace/tfs/train.py"]).Errors);
        Assert.NotEmpty(EntryPoints.Read(["accelerate", "launch", "--bogus=1", EntryPoints.TransformersScript]).Errors);
    }

    /// <summary>The golden manifests of inference Workspaces (tuning and RAG run other entry points).</summary>
    public static TheoryData<string> InferenceGoldens() =>
    [
        .. Directory.GetFiles(RepositoryPaths.Combine("tests", "Reconcilers.Tests", "Golden"), "kaito_workspace_*.yaml")
            .Select(f => Path.GetFileName(f)!).Where(f => !f.Contains("tuning", StringComparison.Ordinal)),
    ];

    [Theory]
    [MemberData(nameof(InferenceGoldens))]
    public void Every_model_server_the_operator_renders_starts_with_a_command_line_the_double_accepts(string golden)
    {
        var documents = YamlDocuments.ToJson(File.ReadAllText(RepositoryPaths.Combine("tests", "Reconcilers.Tests", "Golden", golden)));
        var servers = documents.OfType<JsonObject>()
            .Where(d => d["kind"]?.GetValue<string>() is "Deployment" or "StatefulSet")
            .Select(d => d["spec"]!["template"]!["spec"]!["containers"]![0]!)
            .ToList();
        Assert.NotEmpty(servers);
        foreach (var container in servers)
        {
            var argv = (container["command"]?.AsArray() ?? []).Concat(container["args"]?.AsArray() ?? []).Select(a => a!.GetValue<string>()).ToList();
            if (argv is ["/bin/sh", "-c", ..]) continue;   // multi-node: a shell line around the same entry point
            var (settings, errors) = EntryPoints.Read(argv);
            Assert.True(errors.Count == 0 && settings is not null, $"{golden}: {string.Join("; ", errors)}\n{string.Join(' ', argv)}");
        }
    }

    [Fact]
    public void The_tuning_job_the_operator_renders_launches_the_trainer_without_options()
    {
        var documents = YamlDocuments.ToJson(File.ReadAllText(RepositoryPaths.Combine("tests", "Reconcilers.Tests", "Golden", "kaito_workspace_tuning_phi_3.yaml")));
        var job = documents.OfType<JsonObject>().Single(d => d["kind"]?.GetValue<string>() == "Job");
        var script = job["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]![2]!.GetValue<string>();
        var launch = script.Split('\n')[0].Split(' ');
        var (settings, errors) = EntryPoints.Read(launch);
        Assert.True(errors.Count == 0 && settings is not null, string.Join("; ", errors));
        Assert.Equal(Runtime.Trainer, settings.Runtime);
        Assert.Empty(settings.ScriptArgs);
    }
}
