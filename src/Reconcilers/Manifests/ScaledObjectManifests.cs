using k8s.Models;
using Kaito.Api.Keda;
using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Reconcilers.Manifests;

/// <summary>The KEDA ScaledObject of an InferenceSet that asks for one: it scales the set through its scale subresource.</summary>
public static class ScaledObjectManifests
{
    /// <summary>How often KEDA asks the scaler for the metric (seconds; KEDA's own default is 30).</summary>
    public const int PollingSeconds = 15;

    public static ScaledObject Build(InferenceSet set, KedaAutoscaling autoscaling, string scalerAddress) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = set.Metadata.Name,
            NamespaceProperty = set.Metadata.NamespaceProperty,
            Labels = new Dictionary<string, string>
            {
                [ManifestConstants.ManagedByLabel] = ManifestConstants.ManagedByValue,
                [InferenceSetChildren.CreatedByLabel] = set.Metadata.Name,
            },
            Annotations = new Dictionary<string, string> { [KedaAutoscaling.ManagedByKey] = KedaAutoscaling.ManagedByValue },
            OwnerReferences =
            [
                new V1OwnerReference
                {
                    ApiVersion = OwnedMetadata.OwnerApiVersion, Kind = InferenceSet.KindName, Name = set.Metadata.Name,
                    Uid = set.Metadata.Uid, Controller = true, BlockOwnerDeletion = true,
                },
            ],
        },
        Spec = new ScaledObjectSpec
        {
            ScaleTargetRef = new ScaleTargetRef { ApiVersion = OwnedMetadata.OwnerApiVersion, Kind = InferenceSet.KindName, Name = set.Metadata.Name },
            PollingInterval = PollingSeconds,
            MinReplicaCount = autoscaling.MinReplicas,
            MaxReplicaCount = autoscaling.MaxReplicas,
            Triggers =
            [
                new ScaleTrigger
                {
                    Type = "external",
                    Metadata = new Dictionary<string, string>
                    {
                        ["scalerAddress"] = scalerAddress,
                        ["inferenceSetName"] = set.Metadata.Name,
                        ["inferenceSetNamespace"] = set.Metadata.NamespaceProperty,
                        ["metricName"] = autoscaling.MetricName,
                        ["threshold"] = autoscaling.Threshold,
                    },
                },
            ],
        },
    };
}
