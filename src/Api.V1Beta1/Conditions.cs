namespace Kaito.Api.V1Beta1;

/// <summary>Condition types written to Workspace, RAGEngine and InferenceSet status.</summary>
public static class ConditionTypes
{
    public const string NodeClaimReady = "NodeClaimReady";
    public const string NodesReady = "NodesReady";
    public const string ResourceReady = "ResourceReady";
    public const string InferenceReady = "InferenceReady";
    public const string ServiceReady = "ServiceReady";
    public const string RAGEngineServiceReady = "RAGEngineServiceReady";
    public const string JobStarted = "JobStarted";
    public const string WorkspaceSucceeded = "WorkspaceSucceeded";
    public const string RAGEngineSucceeded = "RAGEngineSucceeded";
    public const string WorkspaceDeleting = "WorkspaceDeleting";
    public const string RAGEngineDeleting = "RAGEngineDeleting";

    /// <summary>InferenceSet: every replica serving (or none wanted).</summary>
    public const string Ready = "Ready";

    /// <summary>InferenceSet: Workspaces being added or removed to match spec.replicas.</summary>
    public const string Scaling = "Scaling";

    /// <summary>InferenceSet: Workspaces made from an older template being replaced.</summary>
    public const string Updating = "Updating";

    /// <summary>InferenceSet: the KEDA ScaledObject asked for by scaledobject.kaito.sh annotations.</summary>
    public const string Autoscaler = "Autoscaler";

    /// <summary>InferenceSet with autoUpgrade: every replica runs the current model image (False while some wait or are replaced).</summary>
    public const string AutoUpgrade = "AutoUpgrade";
}

/// <summary>Values of <c>status.state</c>.</summary>
public static class WorkspaceStates
{
    public const string Pending = "Pending";
    public const string Ready = "Ready";
    public const string NotReady = "NotReady";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
}
