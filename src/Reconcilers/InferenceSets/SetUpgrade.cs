using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Reconcilers.InferenceSets;

/// <summary>
/// What autoUpgrade decides in one pass. With autoUpgrade enabled, each Workspace of the set is pinned to the model
/// image it was made with (<see cref="ModelImages.PinnedAnnotation"/>), so a new operator release (or a new preset
/// registry) does not restart every replica at once. A Workspace pinned to another image than the current one has
/// drifted; while the maintenance window is open (always, without one) drifted Workspaces are replaced like those of
/// an older template: InPlace within updateStrategy's maxUnavailable, Surge only while an extra replica serves.
/// </summary>
public sealed record SetUpgrade(bool Enabled, bool Surge, string? CurrentImage, bool WindowOpen, TimeSpan? UntilWindow, IReadOnlyList<SetChild> Drifted, IReadOnlyList<SetChild> Unpinned)
{
    /// <summary>Marks the extra Workspace a Surge upgrade adds; it goes once nothing is drifted.</summary>
    public const string SurgeLabel = "inferenceset.kaito.sh/surge";

    /// <summary>How far ahead the next window start is looked for (the pass after that looks again).</summary>
    public static readonly TimeSpan Lookahead = TimeSpan.FromHours(1);

    public static SetUpgrade Of(InferenceSet set, IReadOnlyList<SetChild> children, ModelImages images, DateTime now)
    {
        var spec = set.Spec?.AutoUpgrade;
        var enabled = spec?.Enabled == true;
        var current = WorkspaceSemantics.Model(set.Spec?.Template?.Inference?.Preset?.Name) is { } model ? images.For(model) : null;
        var live = children.Where(c => !c.Deleting).ToList();
        var drifted = current is null ? [] : live.Where(c => ModelImages.Pinned(c.Workspace) is { } pin && pin != current).ToList();
        var unpinned = enabled && current is not null ? live.Where(c => ModelImages.Pinned(c.Workspace) is null).ToList() : [];
        // One parse of the schedule per pass: whether the window is open, else when it opens next (within Lookahead).
        var (open, next) = spec?.MaintenanceWindow is { } window ? CronSchedule.Window(window, now, Lookahead) : (true, null);
        return new(enabled, spec?.Strategy == "Surge", current, open, next is { } at ? at - now : null, drifted, unpinned);
    }

    /// <summary>The image new Workspaces are pinned to, or null when they follow the catalog.</summary>
    public string? PinFor => Enabled ? CurrentImage : null;

    /// <summary>Drifted Workspaces this pass may replace.</summary>
    public bool Replacing => Enabled && WindowOpen && Drifted.Count > 0;

    public static bool IsSurge(SetChild child) => child.Workspace.Metadata.Labels?.ContainsKey(SurgeLabel) == true;

    /// <summary>When to look again for a window to open, when drift waits for one.</summary>
    public TimeSpan? WaitForWindow => !Enabled || WindowOpen || Drifted.Count == 0 ? null : UntilWindow ?? Lookahead;
}
