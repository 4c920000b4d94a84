using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Runtime;

namespace Kaito.Reconcilers.InferenceSets;

/// <summary>What the InferenceSet reconciler reads: the sets, and the Workspaces they made (indexed by set).</summary>
public sealed record InferenceSetCaches(IResourceCache<InferenceSet> Sets, IResourceCache<Workspace> Workspaces);
