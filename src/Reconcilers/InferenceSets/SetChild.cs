using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Reconcilers.InferenceSets;

/// <summary>One of a set's Workspaces as the reconciler sees it.</summary>
public sealed record SetChild(Workspace Workspace, int Index, string? Hash, bool Ready, bool Deleting)
{
    public static SetChild Of(Workspace workspace) => new(
        workspace,
        InferenceSetChildren.IndexOf(workspace) ?? -1,
        workspace.Metadata.Annotations?.TryGetValue(InferenceSetChildren.TemplateHashAnnotation, out var hash) == true ? hash : null,
        workspace.Status?.Conditions?.Any(c => c.Type == ConditionTypes.WorkspaceSucceeded && c.Status == "True") == true,
        workspace.Metadata.DeletionTimestamp is not null);
}

/// <summary>What one pass saw: the replicas wanted, the template's hash, the budget, and the set's Workspaces.</summary>
public sealed record InferenceSetObservation(int Desired, string Hash, RolloutBudget Budget, IReadOnlyList<SetChild> Children)
{
    /// <summary>Workspaces at an index below spec.replicas.</summary>
    public IReadOnlyList<SetChild> Current { get; } = [.. Children.Where(c => c.Index < Desired)];

    /// <summary>Current Workspaces made from an older template and not already going.</summary>
    public IReadOnlyList<SetChild> Outdated => [.. Current.Where(c => c.Hash != Hash && !c.Deleting)];
}
