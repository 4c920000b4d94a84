using System.Globalization;
using Kaito.Presets;
using Kaito.Presets.HuggingFace;

namespace Kaito.Cli.Commands;

/// <summary>
/// <c>models list [-o json]</c>: the preset catalog. <c>models describe NAME [--hf-endpoint URL] [--hf-token T] [-o json]</c>:
/// the figures the planner uses for a preset or any Hugging Face model, and for the latter what was read from its metadata.
/// </summary>
static class ModelsCommand
{
    public static int Run(CliArguments args, TextWriter output, Func<string, string?> environment)
    {
        if (args.Positional.ElementAtOrDefault(1) is "describe") return Describe(args, output, environment);
        if (args.Positional.ElementAtOrDefault(1) is not "list") throw new UsageException("usage: kubectl kaito models list [-o json] | models describe NAME [-o json]");
        var json = args.Json;
        args.RejectUnknown();
        var models = ModelCatalog.Default.Models;
        if (json)
        {
            CliJson.Write(output, models);
            return ExitCodes.Ok;
        }
        TableWriter.Write(output, ["name", "hugging face id", "weights", "context", "runtimes", "tuning", "distributed"],
            models.Select(m => (IReadOnlyList<string>)
            [
                m.Name, m.HuggingFaceId, m.WeightsGiB.ToString("0.##", CultureInfo.InvariantCulture) + "Gi",
                m.ContextLimit.ToString(CultureInfo.InvariantCulture), string.Join(",", m.Runtimes),
                m.TuningMethods.Count == 0 ? "-" : string.Join(",", m.TuningMethods), m.Distributed ? "yes" : "no",
            ]));
        return ExitCodes.Ok;
    }

    static int Describe(CliArguments args, TextWriter output, Func<string, string?> environment)
    {
        var name = args.Positional.ElementAtOrDefault(2) ?? throw new UsageException("usage: kubectl kaito models describe NAME [-o json]");
        var json = args.Json;
        var source = HubModelSource.From(args, environment);
        args.RejectUnknown();
        var (model, facts) = source.Find(name);
        if (json)
        {
            CliJson.Write(output, new ModelDescription(model, facts));
            return ExitCodes.Ok;
        }
        var f = CultureInfo.InvariantCulture;
        output.WriteLine($"{model.Name}: {(facts is null ? "preset" : "Hugging Face model, sized from its metadata")}");
        output.WriteLine($"  hugging face id     {model.HuggingFaceId}");
        output.WriteLine($"  architecture        {model.Architecture}");
        output.WriteLine(string.Create(f, $"  weights             {model.WeightsGiB:0.##} GiB{(facts is null ? "" : $" ({facts.WeightsSource})")}"));
        output.WriteLine(string.Create(f, $"  kv cache per token  {model.KvBytesPerToken} bytes ({model.Attention})"));
        output.WriteLine(string.Create(f, $"  context             {model.ContextLimit} tokens"));
        output.WriteLine($"  quantization        {model.Quantization ?? "none"}");
        output.WriteLine($"  runtimes            {string.Join(", ", model.Runtimes)}");
        output.WriteLine($"  access secret       {(model.ModelAccessSecretRequired ? "required (gated)" : "not needed")}");
        output.WriteLine($"  image               {model.Image}:{model.Tag}{(model.DownloadAtRuntime ? " (downloads the weights at start)" : "")}");
        if (facts is null) return ExitCodes.Ok;
        output.WriteLine(string.Create(f, $"  layers              {facts.Layers}, hidden size {facts.HiddenSize}, head dim {facts.HeadDim}"));
        output.WriteLine(string.Create(f, $"  attention heads     {facts.AttentionHeads}, key/value heads {facts.KvHeads}{(facts.KvLoraRank is { } rank ? $", latent rank {rank}" : "")}"));
        var parameters = string.Join(", ", facts.ParametersByDtype.Select(p => $"{HubModelSizing.Count(p.Value)} {p.Key}"));
        output.WriteLine($"  parameters          {(parameters.Length > 0 ? parameters : "not listed")}");
        if (facts.Experts is { } experts)
            output.WriteLine(string.Create(f, $"  experts             {experts}, {facts.ExpertsPerToken?.ToString(f) ?? "?"} active per token (memory holds all of them)"));
        return ExitCodes.Ok;
    }

    sealed record ModelDescription(ModelPreset Model, HubModelFacts? Read);
}
