namespace Kaito.Reconcilers.Manifests;

/// <summary>Names, paths and ports shared by the manifest builders (docs/inference-workload.md).</summary>
public static class ManifestConstants
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "kaito";
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string HostnameLabel = "kubernetes.io/hostname";

    public const string GpuResource = "nvidia.com/gpu";
    public const string GpuTaintKey = "sku";
    public const string GpuTaintValue = "gpu";

    public const int HttpPort = 5000;
    public const int ServicePort = 80;
    public const int TorchPort = 29500;
    public const int RayPort = 6379;
    public const string HeadlessSuffix = "-headless";

    public const string WeightsPath = "/workspace/weights";
    public const string ConfigPath = "/mnt/config";
    public const string AdapterPath = "/mnt/adapter";
    public const string DataPath = "/mnt/data";
    public const string ResultsPath = "/mnt/results";
    public const string ShmPath = "/dev/shm";

    public const string ShmVolume = "dshm";
    public const string WeightsVolume = "model-weights";
    public const string ConfigVolume = "config-volume";
    public const string AdapterVolume = "adapter-volume";
    public const string DataVolume = "data-volume";
    public const string ResultsVolume = "results-volume";
    public const string DockerConfigVolume = "docker-config";

    public const string InferenceConfigKey = "inference_config.yaml";
    public const string TrainingConfigKey = "training_config.yaml";
    public const string HfTokenKey = "HF_TOKEN";
}
