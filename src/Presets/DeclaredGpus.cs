using System.Globalization;
using System.Text.RegularExpressions;
using Kaito.Api.V1Beta1;

namespace Kaito.Presets;

/// <summary>
/// The <c>kaito.sh/sku-gpus</c> annotation: what a user says the GPUs of an unlisted instance type are, so that the fit
/// check and the plan run before its first node exists ("8x40Gi/A100": 8 GPUs of 40 GiB each, NVIDIA A100).
/// </summary>
public static partial class DeclaredGpus
{
    public const string Example = "8x40Gi/A100";
    public const int MaxGpus = 64;
    public const double MaxMemoryGiB = 1024;

    public static string Format => $"<GPU count>x<memory per GPU>Gi[/<GPU model>], for example {Example}";

    /// <summary>The declared shape; null (and no error) when the annotation is absent.</summary>
    public static (GpuShape? Shape, string? Error) Read(IDictionary<string, string>? annotations, string instanceType) =>
        annotations?.TryGetValue(Annotations.SkuGpus, out var value) == true ? Parse(value, instanceType) : (null, null);

    public static (GpuShape? Shape, string? Error) Parse(string value, string instanceType)
    {
        var match = Syntax().Match(value.Trim());
        if (!match.Success) return (null, $"must be {Format}");
        if (!int.TryParse(match.Groups["count"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > MaxGpus)
            return (null, $"the GPU count must be 1 to {MaxGpus}");
        if (!double.TryParse(match.Groups["memory"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var memory) || memory is <= 0 or > MaxMemoryGiB)
            return (null, string.Create(CultureInfo.InvariantCulture, $"the memory per GPU must be more than 0 and at most {MaxMemoryGiB}Gi"));
        var model = match.Groups["model"].Success ? match.Groups["model"].Value : "unknown GPU";
        return (new GpuShape(count, memory, model, NodeGpuLabels.ComputeCapabilityOf(model), $"{instanceType} as {Annotations.SkuGpus} declares it"), null);
    }

    [GeneratedRegex(@"^(?<count>\d{1,3})x(?<memory>\d{1,4}(\.\d{1,3})?)Gi(/(?<model>[A-Za-z0-9][A-Za-z0-9._-]{0,62}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Syntax();
}
