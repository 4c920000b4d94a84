using System.Text.Json.Nodes;
using Kaito.Api.V1Beta1;

namespace Kaito.Webhooks.Validation;

/// <summary>tuning.input (DataSource), tuning.output (DataDestination) and the volumeSource blobs both carry.</summary>
public static class DataSourceRules
{
    /// <summary>Every member of the core/v1 VolumeSource type.</summary>
    public static readonly IReadOnlySet<string> VolumeSourceTypes = new SortedSet<string>(StringComparer.Ordinal)
    {
        "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "configMap", "csi", "downwardAPI",
        "emptyDir", "ephemeral", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs",
        "hostPath", "image", "iscsi", "nfs", "persistentVolumeClaim", "photonPersistentDisk", "portworxVolume",
        "projected", "quobyte", "rbd", "scaleIO", "secret", "storageos", "vsphereVolume",
    };

    /// <summary>The training data: exactly one of urls, image or volumeSource.</summary>
    public static void ValidateInput(DataSource? input, string path, FieldErrors errors)
    {
        if (input is null)
        {
            errors.Required(path, "set tuning.input with one of urls, image or volumeSource");
            return;
        }
        var urls = input.Urls ?? [];
        var given = (urls.Count > 0 ? 1 : 0) + (!string.IsNullOrEmpty(input.Image) ? 1 : 0) + (input.VolumeSource is not null ? 1 : 0);
        if (given == 0) errors.Required(path, "set exactly one of urls, image or volumeSource");
        else if (given > 1) errors.Invalid(path, null, "set exactly one of urls, image or volumeSource, not several; remove the others");

        for (var i = 0; i < urls.Count; i++)
        {
            if (UrlRules.DownloadProblem(urls[i]) is { } problem) errors.Invalid($"{path}.urls[{i}]", urls[i], problem);
        }
        if (!string.IsNullOrEmpty(input.Image) && ImageReference.Problem(input.Image) is { } imageProblem)
            errors.Invalid($"{path}.image", input.Image, imageProblem);
        ValidateVolumeSource(input.VolumeSource, $"{path}.volumeSource", errors);
    }

    /// <summary>Where the adapter goes: exactly one of image or volumeSource; an image needs imagePushSecret.</summary>
    public static void ValidateOutput(DataDestination? output, string path, FieldErrors errors)
    {
        if (output is null)
        {
            errors.Required(path, "set tuning.output with image (and imagePushSecret) or volumeSource");
            return;
        }
        var hasImage = !string.IsNullOrEmpty(output.Image);
        if (!hasImage && output.VolumeSource is null) errors.Required(path, "set exactly one of image or volumeSource");
        else if (hasImage && output.VolumeSource is not null) errors.Invalid(path, null, "set exactly one of image or volumeSource, not both; remove one");
        if (hasImage)
        {
            if (ImageReference.Problem(output.Image) is { } problem) errors.Invalid($"{path}.image", output.Image, problem);
            if (string.IsNullOrEmpty(output.ImagePushSecret))
                errors.Required($"{path}.imagePushSecret", "pushing the output image needs a docker-registry Secret; set imagePushSecret");
        }
        ValidateVolumeSource(output.VolumeSource, $"{path}.volumeSource", errors);
    }

    /// <summary>A volumeSource must name exactly one Kubernetes volume type, with an object value.</summary>
    public static void ValidateVolumeSource(JsonObject? volume, string path, FieldErrors errors)
    {
        if (volume is null) return;
        if (volume.Count != 1)
        {
            errors.Invalid(path, string.Join(",", volume.Select(kv => kv.Key)),
                "name exactly one volume type, for example persistentVolumeClaim: {claimName: data}");
            return;
        }
        var (type, value) = volume.First();
        if (!VolumeSourceTypes.Contains(type)) errors.NotSupported(path, type, VolumeSourceTypes);
        else if (value is not JsonObject) errors.Invalid(path, value?.ToJsonString(), $"{type} must be an object, for example {type}: {{}}");
    }
}
