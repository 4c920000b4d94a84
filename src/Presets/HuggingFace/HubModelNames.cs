namespace Kaito.Presets.HuggingFace;

/// <summary>Which preset names are Hugging Face models outside the catalog (one rule for the webhook, the reconciler and the CLI).</summary>
public static class HubModelNames
{
    /// <summary>The key of a modelAccessSecret that holds the Hub token.</summary>
    public const string TokenKey = "HF_TOKEN";

    /// <summary>The token under <see cref="TokenKey"/> of a Secret's data, or null when there is none.</summary>
    public static string? Token(IDictionary<string, byte[]>? secretData) =>
        secretData?.TryGetValue(TokenKey, out var bytes) == true && bytes is { Length: > 0 } ? System.Text.Encoding.UTF8.GetString(bytes).Trim() : null;

    /// <summary>True when <paramref name="name"/> is no preset but an owner/name Hub id: that model is sized from its own metadata.</summary>
    public static bool IsHubModel(string? name) =>
        name is not null && ModelCatalog.Default.Find(name) is null && name.Contains('/', StringComparison.Ordinal) && HuggingFaceRepoId.Problem(name) is null;
}
