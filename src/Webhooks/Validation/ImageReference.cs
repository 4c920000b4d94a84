using System.Text.RegularExpressions;

namespace Kaito.Webhooks.Validation;

/// <summary>
/// Container image references by the OCI distribution grammar (the one registries and container runtimes apply):
/// <c>[registry[:port]/]repository[:tag][@algorithm:hex]</c>, with a lower-case repository. A reference the grammar
/// refuses would only fail later, when a GPU node pulls or pushes it; the message says which part is wrong.
/// </summary>
public static partial class ImageReference
{
    public const string ExpectedForm = "[registry[:port]/]repository[:tag][@sha256:<64 hex digits>]";
    const int MaxNameLength = 255;

    /// <summary>Null when <paramref name="reference"/> is acceptable, otherwise what is wrong with it.</summary>
    public static string? Problem(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return "image reference is empty; write " + ExpectedForm;
        if (reference.Any(char.IsWhiteSpace)) return "image reference contains whitespace; remove it";
        if (reference.Contains("://", StringComparison.Ordinal))
            return "image reference must not have a URL scheme; write " + ExpectedForm + " without http:// or https://";
        if (reference.Length > 4096) return "image reference is longer than 4096 characters";

        var name = reference;
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (DigestProblem(name[(at + 1)..]) is { } digestProblem) return digestProblem;
            name = name[..at];
        }
        var lastSlash = name.LastIndexOf('/');
        var colon = name.IndexOf(':', lastSlash + 1);
        if (colon >= 0)
        {
            var tag = name[(colon + 1)..];
            if (!Tag().IsMatch(tag))
                return $"tag \"{tag}\" is not valid: 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'";
            name = name[..colon];
        }
        if (name.Length == 0) return "image reference has no repository; write " + ExpectedForm;
        if (name.Length > MaxNameLength) return $"repository name is longer than {MaxNameLength} characters";

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var path = name;
        if (slash >= 0 && IsRegistry(name[..slash]))
        {
            var registry = name[..slash];
            if (RegistryProblem(registry) is { } registryProblem) return registryProblem;
            path = name[(slash + 1)..];
        }
        foreach (var component in path.Split('/'))
        {
            if (component.Length == 0) return $"repository \"{path}\" has an empty path component (a leading, trailing or doubled '/')";
            if (PathComponent().IsMatch(component)) continue;
            return component.Any(char.IsAsciiLetterUpper)
                ? $"repository \"{path}\" must be lower case (\"{component}\"); registries refuse upper case, so replace the placeholder with your image's name"
                : $"repository path component \"{component}\" is not valid: lower-case letters and digits, separated by '.', '_', '__' or '-'";
        }
        return null;
    }

    public static bool IsValid(string? reference) => Problem(reference) is null;

    // As container runtimes read it: the first component names a registry when it has a '.' or a ':', is "localhost", or has upper case.
    static bool IsRegistry(string first) =>
        first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" || first.Any(char.IsAsciiLetterUpper);

    static string? RegistryProblem(string registry)
    {
        var host = registry;
        var colon = registry.LastIndexOf(':');
        if (colon >= 0 && !registry.EndsWith(']'))
        {
            var port = registry[(colon + 1)..];
            if (port.Length == 0 || !port.All(char.IsAsciiDigit) || !int.TryParse(port, out var number) || number is < 1 or > 65535)
                return $"registry port \"{port}\" is not valid: a number from 1 to 65535";
            host = registry[..colon];
        }
        if (host.StartsWith('[') && host.EndsWith(']') && System.Net.IPAddress.TryParse(host[1..^1], out _)) return null;
        return host.Split('.').All(DomainComponent().IsMatch)
            ? null
            : $"registry host \"{host}\" is not valid: letters, digits and '-' in dot-separated parts, not starting or ending with '-'";
    }

    static string? DigestProblem(string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !DigestAlgorithm().IsMatch(digest[..colon]))
            return $"digest \"{digest}\" is not valid; write @sha256:<64 hex digits>";
        var (algorithm, hex) = (digest[..colon], digest[(colon + 1)..]);
        var expected = algorithm switch { "sha256" => 64, "sha512" => 128, _ => 0 };
        if (!hex.All(char.IsAsciiHexDigit) || (expected > 0 ? hex.Length != expected : hex.Length < 32))
            return expected > 0
                ? $"{algorithm} digest must be {expected} hex digits (has {hex.Length}{(hex.All(char.IsAsciiHexDigit) ? "" : ", not all hex")})"
                : $"digest \"{digest}\" must have at least 32 hex digits";
        return null;
    }

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathComponent();

    [GeneratedRegex(@"^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])\z", RegexOptions.CultureInvariant)]
    private static partial Regex DomainComponent();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex DigestAlgorithm();
}
