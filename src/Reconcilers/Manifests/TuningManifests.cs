using System.Globalization;
using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// The children of a tuning Workspace: the Job; when tuning.config is empty, the default training ConfigMap; when the
/// input is URLs, the NetworkPolicy that keeps the downloading pod's egress public (<see cref="DownloadEgressPolicy"/>).
/// </summary>
public sealed record TuningWorkload(V1Job Job, V1ConfigMap? TrainingConfig, V1NetworkPolicy? EgressPolicy = null);

/// <summary>
/// Builds the fine-tuning Job (docs/inference-workload.md, "Tuning Job"). backoffLimit is 0: a failed run is almost
/// always deterministic (data, config, out of memory), and silently retrying would hold the GPUs for hours more;
/// the failure is reported and a spec change (new revision) starts a new Job.
/// </summary>
public static class TuningManifests
{
    public const string TrainingConfigSuffix = "-training-config";
    public const string FineTuningEntrypoint = "/workspace/tfs/fine_tuning.py";
    public const string DefaultTargetModules = "k_proj,q_proj,v_proj,o_proj,gate_proj,down_proj,up_proj";

    /// <param name="resultsDir">Where the trainer writes the adapter: the output_dir of the user's tuning.config
    /// (<see cref="Kaito.Presets.TrainingOutput"/>); the default template's when null.</param>
    public static TuningWorkload Build(Workspace workspace, WorkloadPlan plan, TuningImages? images = null, string? resultsDir = null)
    {
        images ??= TuningImages.Default;
        var results = string.IsNullOrEmpty(workspace.Tuning?.Config) ? ManifestConstants.ResultsPath : resultsDir ?? Kaito.Presets.TrainingOutput.DefaultDir;
        var tuning = workspace.Tuning ?? throw new InvalidOperationException(
            $"workspace {workspace.Metadata.NamespaceProperty}/{workspace.Metadata.Name} has no tuning spec");
        var model = plan.Model ?? throw new InvalidOperationException(
            $"workspace {workspace.Metadata.NamespaceProperty}/{workspace.Metadata.Name}: a tuning job needs a model in the plan");
        var name = workspace.Metadata.Name;

        V1ConfigMap? trainingConfig = null;
        var configName = tuning.Config;
        if (string.IsNullOrEmpty(configName))
        {
            configName = name + TrainingConfigSuffix;
            trainingConfig = new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = OwnedMetadata.For(workspace, configName, plan.Revision),
                Data = new Dictionary<string, string>
                {
                    [ManifestConstants.TrainingConfigKey] = TrainingConfigTemplates.Render(tuning.Method, plan.Dtype, model),
                },
            };
        }

        var volumes = new List<V1Volume> { PodScheduling.SharedMemoryVolume() };
        var mounts = new List<V1VolumeMount> { PodScheduling.Mount(ManifestConstants.ShmVolume, ManifestConstants.ShmPath) };
        if (model.DownloadAtRuntime)
        {
            volumes.Add(PodScheduling.EmptyDir(ManifestConstants.WeightsVolume));
            mounts.Add(PodScheduling.Mount(ManifestConstants.WeightsVolume, ManifestConstants.WeightsPath));
        }
        volumes.Add(PodScheduling.ConfigMapVolume(ManifestConstants.ConfigVolume, configName));
        mounts.Add(PodScheduling.Mount(ManifestConstants.ConfigVolume, ManifestConstants.ConfigPath, readOnly: true));
        volumes.Add(tuning.Input?.VolumeSource is { } input
            ? VolumeSources.ToVolume(ManifestConstants.DataVolume, input)
            : PodScheduling.EmptyDir(ManifestConstants.DataVolume));
        mounts.Add(PodScheduling.Mount(ManifestConstants.DataVolume, ManifestConstants.DataPath));
        volumes.Add(tuning.Output?.VolumeSource is { } output
            ? VolumeSources.ToVolume(ManifestConstants.ResultsVolume, output)
            : PodScheduling.EmptyDir(ManifestConstants.ResultsVolume));
        mounts.Add(PodScheduling.Mount(ManifestConstants.ResultsVolume, results));

        var containers = new List<V1Container>
        {
            new()
            {
                Name = name,
                Image = plan.ImageOf(model),
                Command = ["/bin/sh", "-c", Script(plan, results)],
                Env = Env(tuning, model),
                Resources = PodScheduling.GpuResources(plan.GpusPerNode),
                VolumeMounts = mounts,
            },
        };
        var pushSecret = tuning.Output?.ImagePushSecret;
        if (tuning.Output?.VolumeSource is null && !string.IsNullOrEmpty(tuning.Output?.Image))
        {
            containers.Add(TuningData.Pusher(tuning.Output.Image, images, results));
            if (!string.IsNullOrEmpty(pushSecret)) volumes.Add(TuningData.DockerConfigVolume(pushSecret));
        }

        var init = TuningData.InputContainer(tuning.Input, images);
        var job = new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = OwnedMetadata.For(workspace, name, plan.Revision),
            Spec = new V1JobSpec
            {
                BackoffLimit = 0,
                Completions = 1,
                Parallelism = 1,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = OwnedMetadata.SelectorLabels(workspace) },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        InitContainers = init is null ? null : [init],
                        Containers = containers,
                        Volumes = volumes,
                        Tolerations = PodScheduling.GpuTolerations(),
                        Affinity = PodScheduling.NodeAffinity(plan.NodeNames),
                        ImagePullSecrets = PodScheduling.PullSecrets(
                            [.. tuning.Preset?.PresetOptions?.ImagePullSecrets ?? [], .. tuning.Input?.ImagePullSecrets ?? [], pushSecret]),
                    },
                },
            },
        };
        var egress = tuning.Input?.Urls is { Count: > 0 } ? DownloadEgressPolicy.Build(workspace, plan.Revision, images) : null;
        return new TuningWorkload(job, trainingConfig, egress);
    }

    /// <summary>
    /// accelerate launch over the node's GPUs, then a marker file in the results directory telling the pusher whether
    /// training succeeded; the container exits with the trainer's status. KAITO's fine_tuning.py takes no options: it
    /// reads /mnt/config/training_config.yaml (model path, output_dir) and finds the data under /mnt/data.
    /// </summary>
    static string Script(WorkloadPlan plan, string results)
    {
        var launch = ShellQuoting.Join(
        [
            "accelerate", "launch",
            $"--num_processes={plan.GpusPerNode.ToString(CultureInfo.InvariantCulture)}",
            FineTuningEntrypoint,
        ]);
        return $"{launch}\nstatus=$?\n" +
            $"if [ \"$status\" -eq 0 ]; then touch {results}/{TuningData.CompletedMarker}; else touch {results}/{TuningData.FailedMarker}; fi\n" +
            "exit \"$status\"\n";
    }

    static List<V1EnvVar> Env(TuningSpec tuning, Kaito.Presets.ModelPreset model)
    {
        var env = new List<V1EnvVar> { PodScheduling.EnvVar("PYTORCH_CUDA_ALLOC_CONF", "expandable_segments:True") };
        if (model.Name.StartsWith("phi-3", StringComparison.OrdinalIgnoreCase))
            env.Add(PodScheduling.EnvVar("DEFAULT_TARGET_MODULES", DefaultTargetModules));
        if (tuning.Preset?.PresetOptions?.ModelAccessSecret is { Length: > 0 } secret) env.Add(InferenceManifests.HfToken(secret));
        return env;
    }
}
