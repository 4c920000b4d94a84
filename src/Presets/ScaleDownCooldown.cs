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

    /// <summary>"120", "90s", "5m", "1h"; null when it is none of these or negative.</summary>
    public static TimeSpan? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        var (number, unit) = char.IsLetter(text[^1]) ? (text[..^1], text[^1]) : (text, 's');
        if (!double.TryParse(number, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value)) return null;
        return unit switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => null,
        };
    }
}
