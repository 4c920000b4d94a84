using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Presets.Tests;

public sealed class ModelImagesTests
{
    static readonly ModelPreset Phi = ModelCatalog.Default.Find("phi-4")!;

    [Fact]
    public void The_default_registry_gives_the_catalog_image()
    {
        Assert.Equal("mcr.microsoft.com/aks/kaito/kaito-phi-4:" + Phi.Tag, ModelImages.Default.For(Phi));
    }

    [Fact]
    public void Another_registry_keeps_repository_and_tag()
    {
        Assert.Equal("mirror.example.com:5000/ai/kaito-phi-4:" + Phi.Tag, new ModelImages("mirror.example.com:5000/ai/").For(Phi));
    }

    [Fact]
    public void A_pinned_workspace_runs_its_pin()
    {
        var pinned = new Workspace { Metadata = new V1ObjectMeta { Annotations = new Dictionary<string, string> { [ModelImages.PinnedAnnotation] = "r.example.com/x:1" } } };
        Assert.Equal("r.example.com/x:1", ModelImages.Default.For(pinned, Phi));
        Assert.Equal(ModelImages.Default.For(Phi), ModelImages.Default.For(new Workspace { Metadata = new V1ObjectMeta() }, Phi));
    }
}
