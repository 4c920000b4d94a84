using System.Buffers;

namespace Kaito.Webhooks.Validation;

/// <summary>
/// The API server's name, label key and label value rules. Checked character by character rather than by regular
/// expression: every admission runs them, and a Regex match costs more than the rest of a label's check (the patterns
/// are kept in the tests, which hold these checks to them).
/// </summary>
public static class KubernetesNames
{
    static readonly SearchValues<char> LabelCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");
    static readonly SearchValues<char> QualifiedCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    public static bool IsDns1123Label(string? value) => value is { Length: > 0 and <= 63 } && IsLabel(value);

    public static bool IsDns1123Subdomain(string? value) => value is not null && IsDns1123Subdomain(value.AsSpan());

    static bool IsDns1123Subdomain(ReadOnlySpan<char> value)
    {
        if (value.Length is 0 or > 253) return false;
        foreach (var part in value.Split('.'))
        {
            if (!IsLabel(value[part])) return false;
        }
        return true;
    }

    public const string LabelRule = "at most 63 characters: lower-case letters, digits and '-', starting and ending with a letter or digit";

    public const string SubdomainRule = "at most 253 characters: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";

    /// <summary>Null when <paramref name="key"/> is a valid label key (<c>[prefix/]name</c>), otherwise why not.</summary>
    public static string? LabelKeyProblem(string? key)
    {
        if (string.IsNullOrEmpty(key)) return "label key is empty";
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key.AsSpan() : key.AsSpan(slash + 1);
        if (slash >= 0 && !IsDns1123Subdomain(key.AsSpan(0, slash)))
            return $"label key prefix \"{key[..slash]}\" must be a DNS subdomain ({SubdomainRule})";
        if (name.Length is 0 or > 63 || !IsQualifiedName(name))
            return $"label key name \"{name}\" must be at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
        return null;
    }

    /// <summary>Null when <paramref name="value"/> is a valid label value (may be empty), otherwise why not.</summary>
    public static string? LabelValueProblem(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > 63 || !IsQualifiedName(value))
            return "label values are at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
        return null;
    }

    /// <summary>[a-z0-9]([-a-z0-9]*[a-z0-9])?</summary>
    static bool IsLabel(ReadOnlySpan<char> value) =>
        value.Length > 0 && !value.ContainsAnyExcept(LabelCharacters) && value[0] != '-' && value[^1] != '-';

    /// <summary>([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]</summary>
    static bool IsQualifiedName(ReadOnlySpan<char> value) =>
        value.Length > 0 && !value.ContainsAnyExcept(QualifiedCharacters) && char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1]);
}
