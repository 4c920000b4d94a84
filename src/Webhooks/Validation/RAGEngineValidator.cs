using Kaito.Api.V1Beta1;

namespace Kaito.Webhooks.Validation;

/// <summary>Every admission rule for RAGEngine (kaito.sh/v1alpha1 and v1beta1), create and update.</summary>
public sealed class RAGEngineValidator(AdmissionSettings settings, IClusterLookup? cluster)
{
    public AdmissionSettings Settings { get; } = settings;

    public IClusterLookup? Cluster { get; } = cluster;

    // Placeholder until the rule set lands (branch `validation`): allows everything.
    public Task<ValidationResult> ValidateCreateAsync(RAGEngine ragEngine, CancellationToken cancellationToken) =>
        Task.FromResult(ValidationResult.From(new FieldErrors(), []));

    public Task<ValidationResult> ValidateUpdateAsync(RAGEngine ragEngine, RAGEngine old, CancellationToken cancellationToken) =>
        Task.FromResult(ValidationResult.From(new FieldErrors(), []));
}
