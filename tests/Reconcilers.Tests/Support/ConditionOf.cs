using k8s.Models;

namespace Kaito.Reconcilers.Tests.Support;

static class ConditionOf
{
    /// <summary>The status ("True"/"False") of the condition of <paramref name="type"/>, or null, and its reason.</summary>
    public static string? Status(IList<V1Condition>? conditions, string type, out string? reason)
    {
        var condition = conditions?.FirstOrDefault(c => c.Type == type);
        reason = condition?.Reason;
        return condition?.Status;
    }
}
