using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Kaito.Reconcilers.Manifests;

/// <summary>Turns a schemaless user volumeSource (persistentVolumeClaim, hostPath, ...) into a named pod volume.</summary>
public static class VolumeSources
{
    public static V1Volume ToVolume(string name, JsonObject source)
    {
        var copy = (JsonObject)source.DeepClone();
        copy.Remove("name");
        copy["name"] = name;
        return KubernetesJson.Deserialize<V1Volume>(copy.ToJsonString());
    }
}
