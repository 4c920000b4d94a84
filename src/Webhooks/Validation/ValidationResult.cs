namespace Kaito.Webhooks.Validation;

/// <summary>Outcome of validating one object: every error (sorted) and warnings for kubectl.</summary>
public sealed record ValidationResult(IReadOnlyList<FieldError> Errors, IReadOnlyList<string> Warnings)
{
    public bool Allowed => Errors.Count == 0;

    /// <summary>The model the rules resolved (a catalog preset, or a Hugging Face model sized from its metadata), when known.</summary>
    public Kaito.Presets.ModelPreset? Model { get; init; }

    public static ValidationResult From(FieldErrors errors, IReadOnlyCollection<string> warnings, Kaito.Presets.ModelPreset? model = null) =>
        new(errors.Sorted(), warnings.Count == 0 ? [] : [.. warnings.Distinct()]) { Model = model };
}
