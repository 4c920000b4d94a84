using Kaito.Api.V1Beta1;
using Kaito.Api.V1Beta1.Serialization;
using Kaito.Testing;

namespace Kaito.Reconcilers.Tests;

/// <summary>
/// Renders every Workspace and RAGEngine in examples/ and compares with tests/Reconcilers.Tests/Golden/&lt;example&gt;.yaml.
/// UPDATE_GOLDEN=1 (make golden) rewrites the files instead.
/// </summary>
public class GoldenTests
{
    public static TheoryData<string> Examples() => [.. ExamplePaths(Workspace.KindName), .. ExamplePaths(RAGEngine.KindName)];

    static List<string> ExamplePaths(string kind)
    {
        var data = new List<string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Combine("examples"), "*.yaml", SearchOption.AllDirectories)
                     .Order(StringComparer.Ordinal))
        {
            if (YamlDocuments.ToJson(File.ReadAllText(file)).Any(d => d["kind"]?.GetValue<string>() == kind))
                data.Add(Path.GetRelativePath(RepositoryPaths.Root, file).Replace('\\', '/'));
        }
        return data;
    }

    [Fact]
    public void Every_example_is_covered()
    {
        Assert.True(ExamplePaths(Workspace.KindName).Count >= 6, "expected the Workspace examples under examples/");
        Assert.True(ExamplePaths(RAGEngine.KindName).Count >= 2, "expected the RAGEngine examples under examples/");
    }

    static string Render(string example)
    {
        var text = File.ReadAllText(RepositoryPaths.Combine(example));
        return YamlDocuments.ToJson(text).Any(d => d["kind"]?.GetValue<string>() == RAGEngine.KindName)
            ? Fixtures.Render(Fixtures.Prepare(YamlDocuments.Deserialize<RAGEngine>(text)))
            : Fixtures.Render(Fixtures.Prepare(YamlDocuments.Deserialize<Workspace>(text)));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Golden_manifests_match(string example)
    {
        var rendered = Render(example);
        var golden = RepositoryPaths.Combine("tests", "Reconcilers.Tests", "Golden", Path.GetFileNameWithoutExtension(example) + ".yaml");

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, rendered);
            return;
        }
        Assert.True(File.Exists(golden), $"golden file {golden} is missing; run `make golden` to create it");
        var expected = File.ReadAllText(golden).ReplaceLineEndings("\n");
        if (expected != rendered)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = rendered.Split('\n');
            var line = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length))
                .FirstOrDefault(i => expectedLines[i] != actualLines[i], Math.Min(expectedLines.Length, actualLines.Length));
            Assert.Fail($"manifests for {example} differ from {golden} at line {line + 1}:\n" +
                $"  expected: {(line < expectedLines.Length ? expectedLines[line] : "<end of file>")}\n" +
                $"  actual:   {(line < actualLines.Length ? actualLines[line] : "<end of file>")}\n" +
                "If the change is intended, run `make golden` and review the diff.");
        }
    }

    [Fact]
    public void Rendering_is_deterministic()
    {
        foreach (var example in ExamplePaths(Workspace.KindName).Concat(ExamplePaths(RAGEngine.KindName)))
            Assert.Equal(Render(example), Render(example));
    }
}
