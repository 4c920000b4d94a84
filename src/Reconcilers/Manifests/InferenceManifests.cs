using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>The children of an inference Workspace. Exactly one of Deployment / StatefulSet is set.</summary>
public sealed record InferenceWorkload(V1Deployment? Deployment, V1StatefulSet? StatefulSet, V1Service Service, V1Service? HeadlessService);

public static class InferenceManifests
{
    public static InferenceWorkload Build(Workspace workspace, WorkloadPlan plan) => throw new NotImplementedException();
}
