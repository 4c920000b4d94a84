using Kaito.Api.V1Beta1;
using Kaito.Testing;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class ExampleManifestTests
{
    public static TheoryData<string> WorkspaceExamples => Files("Workspace");

    public static TheoryData<string> RAGEngineExamples => Files("RAGEngine");

    [Theory]
    [MemberData(nameof(WorkspaceExamples))]
    public void Every_workspace_example_is_valid(string relativePath)
    {
        var workspace = Workspace(File.ReadAllText(RepositoryPaths.Combine(relativePath)));
        // The mutating webhook selects transformers for a strength below 1.0 before validation runs.
        if (workspace.Inference?.Adapters?.Any(a => a.Strength is { } s && s != "1.0") == true)
        {
            workspace.Metadata.Annotations ??= new Dictionary<string, string>();
            workspace.Metadata.Annotations[Annotations.Runtime] = Runtimes.Transformers;
        }
        Valid(Create(workspace));
        Valid(Update(workspace, Workspace(File.ReadAllText(RepositoryPaths.Combine(relativePath)))));
    }

    [Theory]
    [MemberData(nameof(RAGEngineExamples))]
    public void Every_ragengine_example_is_valid(string relativePath)
    {
        var rag = RAGEngine(File.ReadAllText(RepositoryPaths.Combine(relativePath)));
        Valid(Create(rag));
    }

    [Fact]
    public void Examples_are_found()
    {
        Assert.Equal(6, WorkspaceExamples.Count);
        Assert.Equal(2, RAGEngineExamples.Count);
    }

    [Fact]
    public void Falcon_with_adapter_strength_under_explicit_vllm_is_forbidden_with_the_fix()
    {
        var workspace = Workspace(File.ReadAllText(RepositoryPaths.Combine("examples", "inference", "kaito_workspace_falcon_7b_with_adapters.yaml")));
        workspace.Metadata.Annotations = new Dictionary<string, string> { [Annotations.Runtime] = Runtimes.Vllm };
        var error = Single(Create(workspace), "inference.adapters[0].strength", FieldErrorType.Forbidden);
        Assert.Contains("kaito.sh/runtime: transformers", error.Detail, StringComparison.Ordinal);
        Assert.Contains("\"1.0\"", error.Detail, StringComparison.Ordinal);
    }

    static TheoryData<string> Files(string kind)
    {
        var root = RepositoryPaths.Combine("examples");
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (File.ReadAllText(file).Contains($"kind: {kind}\n", StringComparison.Ordinal))
                data.Add(Path.GetRelativePath(RepositoryPaths.Root, file));
        }
        return data;
    }
}
