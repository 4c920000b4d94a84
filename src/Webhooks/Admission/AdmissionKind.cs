namespace Kaito.Webhooks.Admission;

/// <summary>The resources these webhooks serve; the path segment matches KAITO's (workspace.kaito.sh).</summary>
public sealed record AdmissionKind(string Kind, string Plural, string WebhookSuffix)
{
    public static readonly AdmissionKind Workspace = new("Workspace", "workspaces", "workspace.kaito.sh");
    public static readonly AdmissionKind RAGEngine = new("RAGEngine", "ragengines", "ragengine.kaito.sh");

    public static readonly AdmissionKind InferenceSet = new("InferenceSet", "inferencesets", "inferenceset.kaito.sh");

    public static readonly IReadOnlyList<AdmissionKind> All = [Workspace, RAGEngine, InferenceSet];

    public string MutatePath => $"/mutate/{WebhookSuffix}";

    public string ValidatePath => $"/validate/{WebhookSuffix}";
}
