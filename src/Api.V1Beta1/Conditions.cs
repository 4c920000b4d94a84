namespace Kaito.Api.V1Beta1;

/// <summary>Condition types written to Workspace and RAGEngine status.</summary>
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
