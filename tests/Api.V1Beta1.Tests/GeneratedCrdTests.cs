using Kaito.CrdGen;
using Kaito.Testing;

namespace Kaito.Api.V1Beta1.Tests;

public sealed class GeneratedCrdTests
{
    public static TheoryData<string> Targets() => [.. CrdGenerator.Targets.Select(t => t.Path)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Committed_crd_matches_the_generator_output(string relativePath)
    {
        var type = CrdGenerator.Targets.Single(t => t.Path == relativePath).Type;
        var committed = File.ReadAllText(RepositoryPaths.Combine(relativePath));
        Assert.True(committed == CrdGenerator.Render(type), $"{relativePath} is stale: run `make crds` and commit the result");
    }

    [Fact]
    public void Workspace_crd_serves_v1alpha1_and_stores_v1beta1()
    {
        var crd = CrdGenerator.Generate(typeof(Workspace));
        Assert.Equal(["v1alpha1", "v1beta1"], crd.Spec.Versions.Select(v => v.Name));
        Assert.All(crd.Spec.Versions, v => Assert.True(v.Served));
        Assert.Equal("v1beta1", Assert.Single(crd.Spec.Versions, v => v.Storage).Name);
        Assert.Equal(["wk", "wks"], crd.Spec.Names.ShortNames);
    }

    [Fact]
    public void Workspace_schema_carries_defaults_enums_and_required_fields()
    {
        var schema = CrdGenerator.Generate(typeof(Workspace)).Spec.Versions[1].Schema.OpenAPIV3Schema;
        var resource = schema.Properties["resource"];
        Assert.Equal(1L, resource.Properties["count"].DefaultProperty);
        Assert.Contains("labelSelector", resource.Required);
        Assert.Equal(["mig", "accelerator"], resource.Properties["partition"].Properties["mode"].EnumProperty.Cast<string>());
        var preset = schema.Properties["inference"].Properties["preset"];
        Assert.Equal("public", preset.Properties["accessMode"].DefaultProperty);
        Assert.Contains("name", preset.Required);
        var tuning = schema.Properties["tuning"];
        Assert.Equal(["input", "output"], tuning.Required);
        Assert.True(tuning.Properties["input"].Properties["volumeSource"].XKubernetesPreserveUnknownFields);
        Assert.True(schema.Properties["inference"].Properties["template"].XKubernetesPreserveUnknownFields);
    }

    [Fact]
    public void Every_schema_property_has_a_description_for_kubectl_explain()
    {
        foreach (var (type, _) in CrdGenerator.Targets)
        {
            var schema = CrdGenerator.Generate(type).Spec.Versions.Last().Schema.OpenAPIV3Schema;
            var missing = new List<string>();
            Walk(schema, "", missing);
            Assert.True(missing.Count == 0, $"{type.Name}: no description on {string.Join(", ", missing)}");
        }
    }

    static void Walk(k8s.Models.V1JSONSchemaProps schema, string path, List<string> missing)
    {
        if (schema.Properties is null) return;
        foreach (var (name, child) in schema.Properties)
        {
            var childPath = path.Length == 0 ? name : $"{path}.{name}";
            if (childPath != "metadata" && string.IsNullOrWhiteSpace(child.Description)) missing.Add(childPath);
            Walk(child, childPath, missing);
            if (child.Items is k8s.Models.V1JSONSchemaProps items) Walk(items, childPath + "[]", missing);
        }
    }
}
