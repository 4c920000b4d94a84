using Kaito.Testing;

namespace Kaito.Cli.Tests;

/// <summary>`kubectl kaito validate -f`: the webhooks' rules offline, for every kind the operator admits.</summary>
public sealed class ValidateCommandTests
{
    static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = KaitoCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void The_examples_of_every_kind_are_valid()
    {
        var files = Directory.GetFiles(RepositoryPaths.Combine("examples"), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var (exit, output, error) = Run(["validate", .. files.SelectMany(f => new[] { "-f", f })]);

        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Contains("inferenceset.kaito.sh/phi-3-5-mini-set valid", output, StringComparison.Ordinal);
        Assert.Contains("workspace.kaito.sh/", output, StringComparison.Ordinal);
        Assert.Contains("ragengine.kaito.sh/", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_inference_set_names_its_template_fields_and_exits_1()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """
                apiVersion: kaito.sh/v1beta1
                kind: InferenceSet
                metadata: {name: bad-set}
                spec:
                  replicas: 2
                  nodeCountLimit: 1
                  labelSelector: {matchLabels: {apps: bad-set}}
                  template:
                    resource: {instanceType: Standard_NC24ads_A100_v5}
                    inference: {preset: {name: phi-3.5-mini-instruct}}
                """);
            var (exit, _, error) = Run("validate", "-f", file);

            Assert.Equal(ExitCodes.DoesNotFit, exit);
            Assert.Contains("The InferenceSet \"bad-set\" is invalid", error, StringComparison.Ordinal);
            Assert.Contains("spec.template.resource.instanceType: Unsupported value: \"Standard_NC24ads_A100_v5\"", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
