using Kaito.Webhooks.Validation;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class ImageReferenceTests
{
    const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("myregistry.azurecr.io/falcon-7b-adapter:0.0.1")]
    [InlineData("busybox")]
    [InlineData("library/ubuntu:22.04")]
    [InlineData("localhost:5000/team/model_v2:latest")]
    [InlineData("localhost/team/model")]
    [InlineData("Registry.Example.com/team/model:1")]
    [InlineData("MyRegistry/model:1")]                      // upper case in the first part makes it a registry host, as runtimes read it
    [InlineData("198.18.0.1:5000/adapter:v1")]
    [InlineData("[::1]:5000/adapter:v1")]
    [InlineData("ghcr.io/org/a__b/c--d/e.f:TAG_1.0-rc")]
    [InlineData("mcr.microsoft.com/aks/kaito/kaito-base:0.0.8@sha256:" + Sha)]
    [InlineData("mcr.microsoft.com/aks/kaito/kaito-base@sha256:" + Sha)]
    public void Accepts(string reference) => Assert.Null(ImageReference.Problem(reference));

    [Theory]
    [InlineData("", "empty")]
    [InlineData(null, "empty")]
    [InlineData("my image:1", "whitespace")]
    [InlineData("https://registry.io/x:1", "URL scheme")]
    [InlineData("kaito.azurecr.io/INPUT:0.0.0", "must be lower case (\"INPUT\")")]                        // KAITO's own test table
    [InlineData("ACR_REPO_HERE.azurecr.io/IMAGE_NAME_HERE:0.0.1", "registry host \"ACR_REPO_HERE.azurecr.io\"")]
    [InlineData("registry.io/<name>:1", "path component \"<name>\"")]
    [InlineData("registry.io/name:", "tag \"\"")]
    [InlineData("registry.io/name:.tag", "tag \".tag\"")]
    [InlineData("registry.io/name:" + "t123456789t123456789t123456789t123456789t123456789t123456789t123456789t123456789t123456789t123456789t123456789t123456789t1234567890", "tag")]
    [InlineData("registry.io/name@sha256:abc", "sha256 digest must be 64 hex digits (has 3)")]
    [InlineData("registry.io/name@sha256:" + "zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "not all hex")]
    [InlineData("registry.io/name@:abc", "digest")]
    [InlineData("registry.io//name", "empty path component")]
    [InlineData("registry.io/name/", "empty path component")]
    [InlineData("registry.io/-name", "path component \"-name\"")]
    [InlineData("registry.io/a..b", "path component \"a..b\"")]
    [InlineData("registry.io:99999/name", "registry port \"99999\"")]
    [InlineData("registry.io:/name", "registry port \"\"")]
    [InlineData("-registry.io/name", "registry host \"-registry.io\"")]
    public void Rejects_naming_the_part_that_is_wrong(string? reference, string part) =>
        Assert.Contains(part, ImageReference.Problem(reference), StringComparison.Ordinal);

    [Fact]
    public void A_repository_name_longer_than_255_characters_is_refused() =>
        Assert.Contains("longer than 255", ImageReference.Problem("registry.io/" + new string('a', 250)), StringComparison.Ordinal);
}
