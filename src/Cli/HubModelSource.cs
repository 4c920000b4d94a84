using Kaito.Presets;
using Kaito.Presets.HuggingFace;

namespace Kaito.Cli;

/// <summary>
/// A model by preset name, or by Hugging Face id when the catalog lacks it: its metadata read from --hf-endpoint, HF_ENDPOINT
/// or the Hub, with the token of --hf-token or HF_TOKEN. Anything but a usable answer is bad input (exit 2), said plainly.
/// </summary>
sealed class HubModelSource(string? endpointOption, string? tokenOption, Func<string, string?> environment)
{
    /// <summary>How long the CLI waits for the endpoint, per model.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    /// <summary>A client of --hf-endpoint, else HF_ENDPOINT, else the Hub; a malformed URL is bad input.</summary>
    public static HubClient Client(HttpClient http, string? endpointOption, Func<string, string?> environment)
    {
        var (endpoint, problem) = HubClient.ResolveEndpoint(endpointOption, environment("HF_ENDPOINT"));
        return endpoint is null
            ? throw new UsageException($"{(endpointOption is null ? "HF_ENDPOINT" : "--hf-endpoint")}: {problem}")
            : new HubClient(http, endpoint);
    }

    public static HubModelSource From(CliArguments args, Func<string, string?> environment) =>
        new(args.Get("hf-endpoint"), args.Get("hf-token"), environment);

    /// <summary>The catalog's model, or the Hub's with what was read about it (facts are null for presets).</summary>
    public (ModelPreset Model, HubModelFacts? Facts) Find(string name)
    {
        if (ModelCatalog.Default.Find(name) is { } preset) return (preset, null);
        if (!HubModelNames.IsHubModel(name))
            throw new UsageException($"unknown preset \"{name}\"; closest: {string.Join(", ", ModelCatalog.Default.Closest(name))} (see `kubectl kaito models list`), or name a Hugging Face model as <owner>/<name>");
        var token = !string.IsNullOrEmpty(tokenOption) ? tokenOption : environment(HubModelNames.TokenKey) is { Length: > 0 } t ? t : null;
        using var http = new HttpClient { Timeout = Budget };
        using var deadline = new CancellationTokenSource(Budget);
        var lookup = Client(http, endpointOption, environment).LookupAsync(name, token, deadline.Token).GetAwaiter().GetResult();
        return lookup.Outcome switch
        {
            HubOutcome.Found => (lookup.Model!, lookup.Facts),
            HubOutcome.NeedsToken => throw new UsageException($"{lookup.Message}; set HF_TOKEN or --hf-token"),
            HubOutcome.NotFound => throw new UsageException($"unknown Hugging Face repository: {lookup.Message}"),
            _ => throw new UsageException(lookup.Message),
        };
    }
}
