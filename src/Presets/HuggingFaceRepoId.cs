namespace Kaito.Presets;

/// <summary>
/// The Hugging Face Hub's repository id rule, one home for every field that names a Hub model (the RAGEngine's
/// embedding.local.modelID; generic preset names): an optional owner and a name separated by one '/', each 1-96
/// characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit, with no "--" or "..".
/// Ids without an owner are canonical Hub models (gpt2, bert-base-uncased).
/// </summary>
public static class HuggingFaceRepoId
{
    public const int MaxPartLength = 96;

    /// <summary>Why <paramref name="id"/> is not a Hub repository id, or null when it is one.</summary>
    public static string? Problem(string? id)
    {
        if (string.IsNullOrEmpty(id)) return "it is empty; write <name> or <owner>/<name>, for example BAAI/bge-small-en-v1.5";
        var parts = id.Split('/');
        if (parts.Length > 2) return "it has more than one '/'; write <name> or <owner>/<name>, for example BAAI/bge-small-en-v1.5";
        foreach (var part in parts)
        {
            if (part.Length == 0) return "the owner or the name is empty; write <name> or <owner>/<name>";
            if (part.Length > MaxPartLength) return $"\"{part}\" is longer than {MaxPartLength} characters";
            if (part.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                return $"\"{part}\" may hold only letters, digits, '-', '_' and '.'";
            if (!char.IsAsciiLetterOrDigit(part[0]) || !char.IsAsciiLetterOrDigit(part[^1]))
                return $"\"{part}\" must start and end with a letter or digit";
            if (part.Contains("--", StringComparison.Ordinal) || part.Contains("..", StringComparison.Ordinal))
                return $"\"{part}\" must not contain \"--\" or \"..\"";
        }
        return null;
    }
}
