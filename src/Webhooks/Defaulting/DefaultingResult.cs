using Kaito.Webhooks.Admission;

namespace Kaito.Webhooks.Defaulting;

/// <summary>Patch operations that apply defaults, and the warnings that explain them.</summary>
public sealed record DefaultingResult(IReadOnlyList<JsonPatchOperation> Operations, IReadOnlyList<string> Warnings)
{
    public static DefaultingResult None { get; } = new([], []);
}
