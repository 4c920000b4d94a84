using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// The tuning pod's data plumbing: how tuning.input reaches /mnt/data and how /mnt/results leaves
/// (docs/inference-workload.md, "Tuning Job").
/// </summary>
public static class TuningData
{
    public const string DownloaderName = "data-downloader";
    public const string PullerName = "data-puller";
    public const string PusherName = "adapter-pusher";
    public const string CompletedMarker = "fine_tuning_completed.txt";
    public const string FailedMarker = "fine_tuning_failed.txt";

    /// <summary>The init container that fills /mnt/data, or null when the input is a volume.</summary>
    public static V1Container? InputContainer(DataSource? input, TuningImages images)
    {
        var mount = PodScheduling.Mount(ManifestConstants.DataVolume, ManifestConstants.DataPath);
        if (input?.Urls is { Count: > 0 } urls)
        {
            var files = FileNames(urls);
            var command = new List<string> { TuningImages.DownloaderExecutable, "fetch", "--dir", ManifestConstants.DataPath };
            foreach (var network in images.DownloadAllowedNetworks ?? []) command.AddRange(["--allow", network]);
            for (var i = 0; i < urls.Count; i++) command.AddRange([urls[i], files[i]]);
            return new V1Container
            {
                Name = DownloaderName,
                Image = images.Downloader,
                Command = command,
                VolumeMounts = [mount],
            };
        }
        if (!string.IsNullOrEmpty(input?.Image))
        {
            return new V1Container
            {
                Name = PullerName,
                Image = input.Image,
                ImagePullPolicy = "IfNotPresent",
                Command = ["/bin/sh", "-c", $"cp -r /data/. {ManifestConstants.DataPath}/"],
                VolumeMounts = [mount],
            };
        }
        return null;
    }

    /// <summary>
    /// One file name per URL: the last path segment, unescaped, characters other than [A-Za-z0-9._-] as '_'
    /// (query and fragment never appear); "data-&lt;i&gt;" when empty; prefixed "&lt;i&gt;-" when already taken.
    /// </summary>
    public static IReadOnlyList<string> FileNames(IList<string> urls)
    {
        var names = new List<string>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < urls.Count; i++)
        {
            var segment = Uri.TryCreate(urls[i], UriKind.Absolute, out var uri)
                ? Uri.UnescapeDataString(uri.AbsolutePath.Split('/').LastOrDefault() ?? "")
                : "";
            var clean = new string([.. segment.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_')]);
            if (clean.Length == 0 || clean.Trim('.').Length == 0) clean = $"data-{i}";
            if (!taken.Add(clean))
            {
                clean = $"{i}-{clean}";
                taken.Add(clean);
            }
            names.Add(clean);
        }
        return names;
    }

    /// <summary>
    /// The container that publishes the adapter when tuning.output.image is set. It waits for the trainer's marker
    /// file, packs the results directory as /data in one layer on top of the adapter base image (so the result is an
    /// adapter image the inference init container can run) and pushes it with crane, authenticated by the
    /// imagePushSecret mounted as /root/.docker/config.json. It exits 1 when the trainer failed, so the Job fails too.
    /// </summary>
    public static V1Container Pusher(string image, TuningImages images, string results)
    {
        var insecure = images.NeedsInsecure(image) ? " --insecure" : "";
        var script =
            $"while [ ! -f {results}/{CompletedMarker} ] && [ ! -f {results}/{FailedMarker} ]; do sleep 10; done\n" +
            $"if [ -f {results}/{FailedMarker} ]; then echo 'fine-tuning failed: nothing to push'; exit 1; fi\n" +
            "set -e\n" +
            "mkdir -p /tmp/layer/data\n" +
            $"cp -r {results}/. /tmp/layer/data/\n" +
            $"rm -f /tmp/layer/data/{CompletedMarker}\n" +
            "tar -czf /tmp/adapter.tar.gz -C /tmp/layer data\n" +
            $"crane append{insecure} --base={ShellQuoting.Quote(images.AdapterBase)} --new_layer=/tmp/adapter.tar.gz --new_tag={ShellQuoting.Quote(image)}\n" +
            $"echo \"pushed the adapter to {image}\"\n";
        return new V1Container
        {
            Name = PusherName,
            Image = images.Pusher,
            Command = ["/busybox/sh", "-c", script],
            Env = [PodScheduling.EnvVar("DOCKER_CONFIG", "/root/.docker")],
            VolumeMounts =
            [
                PodScheduling.Mount(ManifestConstants.ResultsVolume, results, readOnly: true),
                PodScheduling.Mount(ManifestConstants.DockerConfigVolume, "/root/.docker", readOnly: true),
            ],
        };
    }

    public static V1Volume DockerConfigVolume(string secret) => new()
    {
        Name = ManifestConstants.DockerConfigVolume,
        Secret = new V1SecretVolumeSource
        {
            SecretName = secret,
            Items = [new V1KeyToPath { Key = ".dockerconfigjson", Path = "config.json" }],
        },
    };
}
