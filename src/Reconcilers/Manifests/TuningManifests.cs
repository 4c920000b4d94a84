using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>The children of a tuning Workspace: the Job and, when tuning.config is empty, the default training ConfigMap.</summary>
public sealed record TuningWorkload(V1Job Job, V1ConfigMap? TrainingConfig);

public static class TuningManifests
{
    public static TuningWorkload Build(Workspace workspace, WorkloadPlan plan) => throw new NotImplementedException();
}
