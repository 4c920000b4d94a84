using System.Text.Json.Nodes;
using Kaito.Presets;

namespace Kaito.Cli.Tests;

public sealed class ListCommandTests
{
    static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = KaitoCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Models_list_json_has_every_catalog_model()
    {
        var (exit, output, _) = Run("models", "list", "-o", "json");

        Assert.Equal(0, exit);
        var names = JsonNode.Parse(output)!.AsArray().Select(m => m!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(ModelCatalog.Default.Models.Select(m => m.Name), names);
    }

    [Fact]
    public void Models_list_table_has_kubectl_style_headers_and_a_row_per_model()
    {
        var (exit, output, _) = Run("models", "list");

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
        Assert.Equal(ModelCatalog.Default.Models.Count + 1, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("falcon-7b ", StringComparison.Ordinal) && l.Contains("tiiuae/falcon-7b", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("azure", "Standard_NC24ads_A100_v4")]
    [InlineData("aws", "p5.48xlarge")]
    [InlineData("arc", "Standard_NC4_A2")]
    public void Skus_list_shows_the_cloud_catalog(string cloud, string expected)
    {
        var (exit, output, _) = Run("skus", "list", "--cloud", cloud, "-o", "json");

        Assert.Equal(0, exit);
        var skus = JsonNode.Parse(output)!.AsArray();
        Assert.Equal(SkuCatalog.Default.For(cloud).Count, skus.Count);
        Assert.Contains(skus, s => s!["name"]!.GetValue<string>() == expected);
    }

    [Fact]
    public void Skus_list_rejects_an_unknown_cloud()
    {
        var (exit, _, error) = Run("skus", "list", "--cloud", "gcp");

        Assert.Equal(2, exit);
        Assert.Contains("use one of: azure, aws, arc", error, StringComparison.Ordinal);
    }
}
