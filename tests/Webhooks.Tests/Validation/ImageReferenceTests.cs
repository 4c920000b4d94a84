using Kaito.Webhooks.Validation;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("ACR_REPO_HERE.azurecr.io/IMAGE_NAME_HERE:0.0.1")]
    [InlineData("ACR_REPO_HERE.azurecr.io/ADAPTER_HERE:0.0.1")]
    [InlineData("myregistry.azurecr.io/falcon-7b-adapter:0.0.1")]
    [InlineData("busybox")]
    [InlineData("library/ubuntu:22.04")]
    [InlineData("localhost:5000/team/model_v2:latest")]
    [InlineData("mcr.microsoft.com/aks/kaito/kaito-base:0.0.8@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Accepts(string reference) => Assert.Null(ImageReference.Problem(reference));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("my image:1")]
    [InlineData(" busybox")]
    [InlineData("https://registry.io/x:1")]
    [InlineData("registry.io/<name>:1")]
    [InlineData("registry.io/name:")]
    [InlineData("registry.io/name@sha256:abc")]
    [InlineData("registry.io//name")]
    [InlineData("registry.io/name/")]
    [InlineData("registry.io/name:.tag")]
    public void Rejects(string? reference) => Assert.NotNull(ImageReference.Problem(reference));
}
