using Kaito.Presets;

namespace Kaito.Presets.Tests;

public class HuggingFaceRepoIdTests
{
    [Theory]
    [InlineData("BAAI/bge-small-en-v1.5")]
    [InlineData("valid-model-id")]
    [InlineData("gpt2")]
    [InlineData("bert-base-uncased")]
    [InlineData("microsoft/Phi-3-mini-4k-instruct")]
    [InlineData("org_name/model.v2_final")]
    public void Hub_ids_with_or_without_an_owner_are_valid(string id) => Assert.Null(HuggingFaceRepoId.Problem(id));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a/b/c", "more than one '/'")]
    [InlineData("/name", "empty")]
    [InlineData("owner/", "empty")]
    [InlineData("-model", "start and end with a letter or digit")]
    [InlineData("model.", "start and end with a letter or digit")]
    [InlineData("my--model", "\"--\"")]
    [InlineData("my..model", "\"..\"")]
    [InlineData("my model", "only letters, digits")]
    [InlineData("org/mödel", "only letters, digits")]
    public void Other_strings_say_what_is_wrong(string id, string expected) =>
        Assert.Contains(expected, HuggingFaceRepoId.Problem(id), StringComparison.Ordinal);

    [Fact]
    public void Each_part_is_at_most_96_characters()
    {
        Assert.Null(HuggingFaceRepoId.Problem("o/" + new string('m', 96)));
        Assert.Contains("longer than 96", HuggingFaceRepoId.Problem("o/" + new string('m', 97)), StringComparison.Ordinal);
    }
}
