using System.Text.Json;
using Kaito.Webhooks.Admission;

namespace Kaito.Webhooks.Defaulting;

/// <summary>Defaults a RAGEngine: the persistent volume mount path the service uses when none is given.</summary>
public static class RAGEngineDefaulter
{
    public const string DefaultMountPath = "/mnt/data";

    public static DefaultingResult Default(JsonElement ragEngine)
    {
        if (ragEngine.At("spec").At("storage").At("persistentVolume").AsObject() is { } volume && volume.At("mountPath") is null)
            return new DefaultingResult([JsonPatchOperation.Add("/spec/storage/persistentVolume/mountPath", DefaultMountPath)], []);
        return DefaultingResult.None;
    }
}
