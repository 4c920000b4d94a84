using Kaito.Testing;

namespace Kaito.Cli.Tests;

/// <summary>The built executable, found by the real kubectl as a plugin on PATH.</summary>
public sealed class KubectlPluginTests
{
    static string PluginDirectory()
    {
        var here = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(here, "kubectl-kaito"))) return here;
        throw new InvalidOperationException($"kubectl-kaito apphost not found in {here}");
    }

    static Task<ProcessResult> Kubectl(params string[] args) =>
        ProcessRunner.RunAsync("kubectl", args, environment: new Dictionary<string, string>
        {
            ["PATH"] = PluginDirectory() + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
        });

    [Fact]
    public async Task Kubectl_kaito_plan_answers_through_kubectl_with_the_exit_code()
    {
        var fits = await Kubectl("kaito", "plan", "--preset", "phi-3-mini-4k-instruct", "--instance-type", "Standard_NC6s_v3");
        var doesNotFit = await Kubectl("kaito", "plan", "--preset", "qwen2.5-coder-32b-instruct", "--instance-type", "Standard_NV36ads_A10_v5", "--runtime", "transformers");
        var badInput = await Kubectl("kaito", "plan", "--preset", "nope", "--instance-type", "Standard_NC6s_v3");

        Assert.True(fits.Succeeded, fits.ToString());
        Assert.StartsWith("fits:", fits.StdOut, StringComparison.Ordinal);
        Assert.Equal(1, doesNotFit.ExitCode);
        Assert.StartsWith("does not fit:", doesNotFit.StdOut, StringComparison.Ordinal);
        Assert.Equal(2, badInput.ExitCode);
        Assert.Contains("unknown preset \"nope\"", badInput.StdErr, StringComparison.Ordinal);
    }
}
