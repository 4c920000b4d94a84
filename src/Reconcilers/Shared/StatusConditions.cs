using k8s.Models;

namespace Kaito.Reconcilers.Shared;

/// <summary>Condition list edits that keep lastTransitionTime when a condition's status does not change.</summary>
public static class StatusConditions
{
    public static V1Condition Make(string type, bool status, string reason, string message, long? generation) => new()
    {
        Type = type,
        Status = status ? "True" : "False",
        Reason = reason,
        // The API server (1.20) rejects an empty message in a merge patch; always say something.
        Message = string.IsNullOrEmpty(message) ? reason : message,
        ObservedGeneration = generation,
    };

    /// <summary>The new list: each desired condition, keeping the old transition time when its status is unchanged.</summary>
    public static List<V1Condition> Merge(IList<V1Condition>? existing, IEnumerable<V1Condition> desired, DateTime now, IEnumerable<string>? remove = null)
    {
        var result = (existing ?? []).Where(c => remove?.Contains(c.Type) != true).Select(Copy).ToList();
        foreach (var condition in desired)
        {
            var index = result.FindIndex(c => c.Type == condition.Type);
            var old = index >= 0 ? result[index] : null;
            condition.LastTransitionTime = old is not null && old.Status == condition.Status ? old.LastTransitionTime : now;
            if (index >= 0) result[index] = condition;
            else result.Add(condition);
        }
        return [.. result.OrderBy(c => c.Type, StringComparer.Ordinal)];
    }

    /// <summary>Same conditions apart from transition times (so unchanged status is never rewritten).</summary>
    public static bool Equivalent(IList<V1Condition>? a, IList<V1Condition>? b)
    {
        var left = (a ?? []).OrderBy(c => c.Type, StringComparer.Ordinal).ToList();
        var right = (b ?? []).OrderBy(c => c.Type, StringComparer.Ordinal).ToList();
        return left.Count == right.Count && left.Zip(right).All(p =>
            p.First.Type == p.Second.Type && p.First.Status == p.Second.Status && p.First.Reason == p.Second.Reason
            && p.First.Message == p.Second.Message && p.First.ObservedGeneration == p.Second.ObservedGeneration);
    }

    static V1Condition Copy(V1Condition c) => new()
    {
        Type = c.Type, Status = c.Status, Reason = c.Reason, Message = c.Message,
        LastTransitionTime = c.LastTransitionTime, ObservedGeneration = c.ObservedGeneration,
    };
}
