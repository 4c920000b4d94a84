using System.Globalization;
using System.Text.Json.Nodes;

namespace Kaito.Presets;

/// <summary>
/// An InferenceSet's updateStrategy read once, for the webhook (which rejects what cannot be read) and the reconciler
/// (which rolls by it): RollingUpdate replaces at most maxUnavailable replicas at a time (an integer, or a percentage of
/// the replicas rounded down but at least 1; default 1); OnDelete replaces a replica only once you delete it.
/// </summary>
public sealed record RolloutBudget(bool OnDelete, int? MaxUnavailable, int? MaxUnavailablePercent)
{
    public const string RollingUpdate = "RollingUpdate";
    public const string OnDeleteType = "OnDelete";
    public static readonly RolloutBudget Default = new(false, 1, null);

    /// <summary>How many replicas of <paramref name="replicas"/> may be unavailable at once during a rollout.</summary>
    public int Allowed(int replicas) =>
        OnDelete ? 0 : MaxUnavailable ?? Math.Max(1, replicas * (MaxUnavailablePercent ?? 100) / 100);

    /// <summary>The budget, or the field (relative to the strategy) and what is wrong with it.</summary>
    public static (RolloutBudget? Budget, string? Field, string? Problem) Read(JsonObject? strategy)
    {
        if (strategy is null) return (Default, null, null);
        var type = strategy["type"] is JsonValue t && t.TryGetValue<string>(out var text) ? text : RollingUpdate;
        if (type == OnDeleteType) return (new RolloutBudget(true, null, null), null, null);
        if (type != RollingUpdate) return (null, "type", $"must be {RollingUpdate} or {OnDeleteType}");
        var value = strategy["rollingUpdate"]?["maxUnavailable"];
        if (value is null) return (Default, null, null);
        if (value is JsonValue v && v.TryGetValue<int>(out var count))
            return count >= 1 ? (new RolloutBudget(false, count, null), null, null) : (null, "rollingUpdate.maxUnavailable", "must be at least 1 (or a percentage such as 25%)");
        if (value is JsonValue p && p.TryGetValue<string>(out var percent) && percent.EndsWith('%')
            && int.TryParse(percent[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var share) && share is >= 1 and <= 100)
            return (new RolloutBudget(false, null, share), null, null);
        return (null, "rollingUpdate.maxUnavailable", "must be an integer of at least 1 or a percentage from 1% to 100%");
    }
}
