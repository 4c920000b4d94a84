using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// How LoRA adapters reach the inference container. Image adapters: one init container per adapter (spec order)
/// copies the image's /data into /mnt/adapter/&lt;name&gt; on the shared emptyDir "adapter-volume". Volume adapters:
/// the user's volume is mounted read-only at /mnt/adapter/&lt;name&gt;. Strengths: an environment variable named as the
/// adapter (KAITO's model servers read the weight of the adapter in /mnt/adapter/&lt;name&gt; from the variable &lt;name&gt;).
/// </summary>
public sealed record AdapterMounts(
    IReadOnlyList<V1Container> InitContainers,
    IReadOnlyList<V1Volume> Volumes,
    IReadOnlyList<V1VolumeMount> MainMounts,
    IReadOnlyList<V1EnvVar> Env,
    IReadOnlyList<string> Names,
    IReadOnlyList<string> PullSecrets)
{
    public const string DefaultStrength = "1.0";

    public static AdapterMounts For(InferenceSpec? inference)
    {
        var adapters = (inference?.Adapters ?? []).Where(a => a.Source?.Name is { Length: > 0 }).ToList();
        var init = new List<V1Container>();
        var volumes = new List<V1Volume>();
        var mounts = new List<V1VolumeMount>();
        var env = new List<V1EnvVar>();
        var names = new List<string>();
        var secrets = new List<string>();
        var hasImage = adapters.Any(a => !string.IsNullOrEmpty(a.Source!.Image));
        if (hasImage)
        {
            volumes.Add(PodScheduling.EmptyDir(ManifestConstants.AdapterVolume));
            mounts.Add(PodScheduling.Mount(ManifestConstants.AdapterVolume, ManifestConstants.AdapterPath));
        }
        foreach (var adapter in adapters)
        {
            var source = adapter.Source!;
            var name = source.Name!;
            var path = $"{ManifestConstants.AdapterPath}/{name}";
            names.Add(name);
            secrets.AddRange(source.ImagePullSecrets ?? []);
            if (!string.IsNullOrEmpty(source.Image))
            {
                init.Add(new V1Container
                {
                    Name = DnsNames.Label(name),
                    Image = source.Image,
                    ImagePullPolicy = "IfNotPresent",
                    Command = ["/bin/sh", "-c", $"mkdir -p {ShellQuoting.Quote(path)} && cp -r /data/. {ShellQuoting.Quote(path + "/")}"],
                    VolumeMounts = [PodScheduling.Mount(ManifestConstants.AdapterVolume, ManifestConstants.AdapterPath)],
                });
            }
            else if (source.VolumeSource is not null)
            {
                var volume = DnsNames.Label("adapter-" + name);
                volumes.Add(VolumeSources.ToVolume(volume, source.VolumeSource));
                mounts.Add(PodScheduling.Mount(volume, path, readOnly: true));
            }
            env.Add(PodScheduling.EnvVar(name, string.IsNullOrWhiteSpace(adapter.Strength) ? DefaultStrength : adapter.Strength.Trim()));
        }
        return new AdapterMounts(init, volumes, mounts, env, names, secrets);
    }
}
