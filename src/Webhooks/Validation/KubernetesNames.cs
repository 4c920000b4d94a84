using System.Text.RegularExpressions;

namespace Kaito.Webhooks.Validation;

/// <summary>The API server's name, label key and label value rules.</summary>
public static partial class KubernetesNames
{
    public static bool IsDns1123Label(string? value) => value is { Length: > 0 and <= 63 } && Dns1123Label().IsMatch(value);

    public static bool IsDns1123Subdomain(string? value) => value is { Length: > 0 and <= 253 } && Dns1123Subdomain().IsMatch(value);

    public const string LabelRule = "at most 63 characters: lower-case letters, digits and '-', starting and ending with a letter or digit";

    public const string SubdomainRule = "at most 253 characters: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";

    /// <summary>Null when <paramref name="key"/> is a valid label key (<c>[prefix/]name</c>), otherwise why not.</summary>
    public static string? LabelKeyProblem(string? key)
    {
        if (string.IsNullOrEmpty(key)) return "label key is empty";
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (!IsDns1123Subdomain(prefix)) return $"label key prefix \"{prefix}\" must be a DNS subdomain ({SubdomainRule})";
        }
        if (name.Length is 0 or > 63 || !QualifiedName().IsMatch(name))
            return $"label key name \"{name}\" must be at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
        return null;
    }

    /// <summary>Null when <paramref name="value"/> is a valid label value (may be empty), otherwise why not.</summary>
    public static string? LabelValueProblem(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > 63 || !QualifiedName().IsMatch(value))
            return "label values are at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
        return null;
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedName();
}
