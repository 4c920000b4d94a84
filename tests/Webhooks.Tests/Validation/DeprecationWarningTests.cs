using Kaito.Api.V1Beta1;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class DeprecationWarningTests
{
    [Fact]
    public void Clean_manifest_has_no_warnings() => Assert.Empty(Create(Inference()).Warnings);

    [Fact]
    public void Deprecated_fields_warn_but_are_accepted()
    {
        var workspace = Inference();
        workspace.Resource!.PreferredNodes = ["node-1"];
        workspace.Resource.Count = 2;
        workspace.Inference!.Preset!.AccessMode = "private";
        workspace.Inference.Preset.PresetOptions = new PresetOptions { Image = "registry.io/phi:1" };
        var result = Create(workspace);
        Valid(result);
        Assert.Equal(4, result.Warnings.Count);
        Assert.Contains(result.Warnings, w => w.StartsWith("resource.preferredNodes", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.StartsWith("resource.count", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.StartsWith("inference.preset.accessMode", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.StartsWith("inference.preset.presetOptions.image", StringComparison.Ordinal));
        Assert.All(result.Warnings, w =>
        {
            Assert.True(w.Length <= 120, w);
            Assert.False(w.StartsWith("Warning", StringComparison.OrdinalIgnoreCase), w);
        });
    }

    [Fact]
    public void Count_of_one_does_not_warn()
    {
        var workspace = Inference();
        workspace.Resource!.Count = 1;
        Assert.Empty(Create(workspace).Warnings);
    }
}
