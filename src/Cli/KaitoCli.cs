using Kaito.Cli.Commands;

namespace Kaito.Cli;

/// <summary>Entry point of kubectl-kaito, separate from Program so tests can run it in process.</summary>
public static class KaitoCli
{
    public const string Usage = """
        kubectl kaito: plan GPU capacity for KAITO workspaces

        Commands:
          models list [-o json]                        preset models and their figures
          models describe NAME [-o json]               what sizing reads: a preset, or any Hugging Face model (owner/name)
          skus list --cloud azure|aws|arc [-o json]    GPU instance types of a cloud
          plan --preset NAME --instance-type SKU       does the model fit, on how many nodes
               [--cloud azure] [--runtime vllm|transformers] [--tuning lora|qlora]
               [--max-model-len N] [--replicas N] [--sku-gpus 8x40Gi/A100] [-o json]
               NAME may be any Hugging Face model (owner/name): sized from its metadata,
               read from --hf-endpoint, HF_ENDPOINT or https://huggingface.co, with
               the token of --hf-token or HF_TOKEN for gated models; a GPU size the
               catalog does not list is planned with the GPUs --sku-gpus declares

          validate -f FILE [-f FILE...]                the admission webhooks' defaults and rules, offline
               [--hf-endpoint URL]                     (Hugging Face models are read as the webhook reads them)
               [--node-provisioner gpu-provisioner|byo] [--cloud azure]

        Exit codes: 0 ok / fits / valid, 1 does not fit / invalid, 2 bad input.
        """;

    /// <param name="environment">Reads an environment variable (HF_ENDPOINT, HF_TOKEN); the process environment by default.</param>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        try
        {
            var parsed = CliArguments.Parse(args);
            return parsed.Positional.FirstOrDefault() switch
            {
                "models" => ModelsCommand.Run(parsed, output, environment),
                "skus" => SkusCommand.Run(parsed, output),
                "plan" => PlanCommand.Run(parsed, output, environment),
                "validate" => ValidateCommand.RunAsync(parsed, parsed.Files, output, error, environment).GetAwaiter().GetResult(),
                "help" or null => Help(output),
                var other => throw new UsageException($"unknown command \"{other}\""),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine("run `kubectl kaito help` for usage");
            return ExitCodes.BadInput;
        }
    }

    static int Help(TextWriter output)
    {
        output.WriteLine(Usage);
        return ExitCodes.Ok;
    }
}
