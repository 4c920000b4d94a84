using System.Globalization;
using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Reconcilers.Manifests;

/// <summary>The main container's command and args for a preset (docs/inference-workload.md lists the flag order).</summary>
public sealed record InferenceCommand(IReadOnlyList<string> Command, IReadOnlyList<string> Args)
{
    public const string VllmEntrypoint = "/workspace/vllm/inference_api.py";
    public const string VllmMultiNodeScript = "/workspace/vllm/multi-node-serving.sh";
    public const string TransformersEntrypoint = "/workspace/tfs/inference_api.py";
    public const string GpuMemoryUtilization = "0.84";

    /// <summary>Where the model comes from: the Hugging Face id for download-at-runtime presets, else the weights baked into the image.</summary>
    public static string ModelSource(ModelPreset model) => model.DownloadAtRuntime ? model.HuggingFaceId : ManifestConstants.WeightsPath;

    public static InferenceCommand For(Workspace workspace, WorkloadPlan plan, ModelPreset model, AdapterMounts adapters) =>
        string.Equals(plan.Runtime, Runtimes.Transformers, StringComparison.OrdinalIgnoreCase)
            ? Transformers(plan, model)
            : Vllm(workspace, plan, model, adapters);

    static InferenceCommand Vllm(Workspace workspace, WorkloadPlan plan, ModelPreset model, AdapterMounts adapters)
    {
        var flags = new List<string> { $"--model={ModelSource(model)}" };
        if (model.DownloadAtRuntime) flags.Add($"--download-dir={ManifestConstants.WeightsPath}");
        flags.Add($"--served-model-name={model.Name}");
        flags.Add($"--dtype={plan.Dtype}");
        flags.Add($"--tensor-parallel-size={Int(plan.GpusPerNode)}");
        if (plan.Nodes > 1)
        {
            flags.Add($"--pipeline-parallel-size={Int(plan.Nodes)}");
            flags.Add("--distributed-executor-backend=ray");
        }
        if (plan.MaxModelLen is { } maxLen) flags.Add($"--max-model-len={Int(maxLen)}");
        flags.Add($"--gpu-memory-utilization={GpuMemoryUtilization}");
        flags.Add($"--port={Int(ManifestConstants.HttpPort)}");
        if (!string.IsNullOrEmpty(workspace.Inference?.Config))
            flags.Add($"--kaito-config-file={ManifestConstants.ConfigPath}/{ManifestConstants.InferenceConfigKey}");
        if (adapters.Names.Count > 0)
        {
            flags.Add("--enable-lora");
            flags.Add("--lora-modules");
            flags.AddRange(adapters.Names.Select(n => $"{n}={ManifestConstants.AdapterPath}/{n}"));
        }
        if (plan.Nodes <= 1) return new(["python3", VllmEntrypoint], flags);

        // Multi-node: pod 0 (the StatefulSet ordinal is the hostname suffix) starts the Ray head and serves;
        // the others join it as Ray workers through the headless Service.
        var name = workspace.Metadata.Name;
        var leader = $"{name}-0.{name}{ManifestConstants.HeadlessSuffix}.{workspace.Metadata.NamespaceProperty}.svc.cluster.local";
        var script =
            $"if [ \"${{HOSTNAME##*-}}\" = \"0\" ]; then " +
            $"{VllmMultiNodeScript} leader --ray_cluster_size={Int(plan.Nodes)} --ray_port={Int(ManifestConstants.RayPort)} && " +
            $"exec python3 {VllmEntrypoint} {ShellQuoting.Join(flags)}; " +
            $"else exec {VllmMultiNodeScript} worker --ray_address={leader} --ray_port={Int(ManifestConstants.RayPort)}; fi";
        return new(["/bin/sh", "-c"], [script]);
    }

    static InferenceCommand Transformers(WorkloadPlan plan, ModelPreset model)
    {
        var args = new List<string>
        {
            "--num_processes=1",
            "--num_machines=1",
            "--machine_rank=0",
            "--gpu_ids=all",
            TransformersEntrypoint,
            $"--pretrained_model_name_or_path={ModelSource(model)}",
            $"--served_model_name={model.Name}",
            $"--torch_dtype={plan.Dtype}",
            "--pipeline=text-generation",
        };
        // No --port and no adapters directory: the server has no such options; it listens on 5000 and loads every
        // adapter under /mnt/adapter.
        return new(["accelerate", "launch"], args);
    }

    static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
