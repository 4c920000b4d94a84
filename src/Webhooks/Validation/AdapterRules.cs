using System.Globalization;
using Kaito.Api.V1Beta1;

namespace Kaito.Webhooks.Validation;

/// <summary>inference.adapters: checked on create and update alike.</summary>
public static class AdapterRules
{
    public const int MaxAdapters = 10;

    public static void Validate(IList<AdapterSpec>? adapters, string runtime, FieldErrors errors)
    {
        if (adapters is null || adapters.Count == 0) return;
        const string path = "inference.adapters";
        if (adapters.Count > MaxAdapters)
            errors.TooMany(path, $"{adapters.Count} adapters given, at most {MaxAdapters} are allowed; remove {adapters.Count - MaxAdapters}");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < adapters.Count; i++)
        {
            var at = $"{path}[{i}]";
            var adapter = adapters[i];
            if (adapter is null)
            {
                errors.Required(at, "remove the empty entry or give it a source");
                continue;
            }
            ValidateSource(adapter.Source, $"{at}.source", seen, errors);
            ValidateStrength(adapter.Strength, $"{at}.strength", runtime, errors);
        }
    }

    static void ValidateSource(DataSource? source, string path, HashSet<string> seen, FieldErrors errors)
    {
        if (source is null)
        {
            errors.Required(path, "set source with a name and an image (or volumeSource) holding the adapter");
            return;
        }
        if (string.IsNullOrEmpty(source.Name)) errors.Required($"{path}.name", "name the adapter (a DNS subdomain, e.g. my-adapter)");
        else if (!KubernetesNames.IsDns1123Subdomain(source.Name)) errors.Invalid($"{path}.name", source.Name, KubernetesNames.SubdomainRule);
        else if (!char.IsAsciiLetter(source.Name[0]))
            errors.Invalid($"{path}.name", source.Name, "must start with a letter: the model server reads the adapter's strength from an environment variable of that name");
        else if (!seen.Add(source.Name)) errors.Duplicate($"{path}.name", source.Name);

        var hasImage = !string.IsNullOrEmpty(source.Image);
        if (!hasImage && source.VolumeSource is null) errors.Required(path, "set source.image or source.volumeSource");
        else if (hasImage && source.VolumeSource is not null) errors.Forbidden($"{path}.volumeSource", "set source.image or source.volumeSource, not both; remove one");
        if (source.Urls is { Count: > 0 }) errors.Forbidden($"{path}.urls", "adapters cannot be downloaded from URLs; package the adapter in an image or a volume and remove urls");
        if (hasImage && ImageReference.Problem(source.Image) is { } problem) errors.Invalid($"{path}.image", source.Image, problem);
        DataSourceRules.ValidateVolumeSource(source.VolumeSource, $"{path}.volumeSource", errors);
    }

    static void ValidateStrength(string? strength, string path, string runtime, FieldErrors errors)
    {
        var value = 1.0m;
        if (strength is not null &&
            !decimal.TryParse(strength, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            errors.Invalid(path, strength, "must be a decimal between 0 and 1 in a string, for example \"1.0\"");
            return;
        }
        if (value is < 0m or > 1m)
        {
            errors.Invalid(path, strength, "must be between 0 and 1");
            return;
        }
        if (runtime == Runtimes.Vllm && value != 1.0m)
            errors.Forbidden(path, $"the vLLM runtime applies adapters at full strength only; set strength \"1.0\" (or remove it), or set annotation {Annotations.Runtime}: transformers");
    }
}
