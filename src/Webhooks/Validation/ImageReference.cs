using System.Text.RegularExpressions;

namespace Kaito.Webhooks.Validation;

/// <summary>
/// A lenient container image reference check: <c>[host[:port]/]path[:tag][@sha256:digest]</c>. Path components
/// may contain upper case (KAITO's docs use placeholders such as <c>IMAGE_NAME_HERE</c>), which strict Docker
/// grammar would reject; schemes, whitespace and dangling separators are still refused.
/// </summary>
public static partial class ImageReference
{
    public const string ExpectedForm = "[registry[:port]/]repository[:tag][@sha256:<64 hex digits>]";

    /// <summary>Null when <paramref name="reference"/> is acceptable, otherwise what is wrong with it.</summary>
    public static string? Problem(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return "image reference is empty; write " + ExpectedForm;
        if (reference.Any(char.IsWhiteSpace)) return "image reference contains whitespace; remove it";
        if (reference.Contains("://", StringComparison.Ordinal))
            return "image reference must not have a URL scheme; write " + ExpectedForm + " without http:// or https://";
        if (reference.Length > 4096) return "image reference is longer than 4096 characters";
        if (!Grammar().IsMatch(reference)) return "not a valid image reference; expected " + ExpectedForm;
        return null;
    }

    public static bool IsValid(string? reference) => Problem(reference) is null;

    [GeneratedRegex(
        @"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?/)?" +
        @"[A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)*" +
        @"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?" +
        @"(?:@sha256:[A-Fa-f0-9]{64})?\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
