using Kaito.Api.V1Beta1;

namespace Kaito.Presets;

/// <summary>
/// How long Workspaces above spec.replicas are kept before they (and their GPU nodes) go: replicas that flap down
/// and up again within it keep their nodes. The operator's setting, or the set's own
/// <see cref="Annotation"/> (seconds, or a duration such as 90s, 5m).
/// </summary>
public static class ScaleDownCooldown
{
    public const string Annotation = "inferenceset.kaito.sh/scale-down-cooldown";
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(2);

    public static TimeSpan For(InferenceSet set, TimeSpan operatorDefault) =>
        set.Metadata.Annotations?.TryGetValue(Annotation, out var text) == true && Parse(text) is { } value ? value : operatorDefault;

    /// <summary>Plain seconds ("120") or a Go duration ("90s", "5m", "1h30m"); null when it is neither.</summary>
    public static TimeSpan? Parse(string? text) => GoDuration.ParseSecondsOrDuration(text);
}
