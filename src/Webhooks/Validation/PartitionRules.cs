using System.Globalization;
using System.Text.RegularExpressions;
using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>GPU partitioning (resource.partition): MIG profiles or accelerator slices, bring-your-own nodes only.</summary>
public static partial class PartitionRules
{
    public const string Mig = "mig";
    public const string Accelerator = "accelerator";
    static readonly string[] Modes = [Mig, Accelerator];

    /// <summary>Every MIG profile of A30, A100 (40/80 GB), H100 (80/94 GB), GH200, H200 and B200.</summary>
    public static readonly IReadOnlySet<string> MigProfiles = new SortedSet<string>(StringComparer.Ordinal)
    {
        "1g.6gb", "2g.12gb", "4g.24gb",
        "1g.5gb", "2g.10gb", "3g.20gb", "4g.20gb", "7g.40gb",
        "1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb",
        "1g.12gb", "1g.24gb", "2g.24gb", "3g.47gb", "4g.47gb", "7g.94gb",
        "3g.48gb", "4g.48gb", "7g.96gb",
        "1g.18gb", "1g.35gb", "2g.35gb", "3g.71gb", "4g.71gb", "7g.141gb",
        "1g.23gb", "1g.45gb", "2g.45gb", "3g.90gb", "4g.90gb", "7g.180gb",
    };

    public static void Validate(PartitionSpec? partition, string path, AdmissionSettings settings, FieldErrors errors)
    {
        if (partition is null) return;
        if (settings.Provisioning != NodeProvisioning.BringYourOwn)
        {
            errors.Forbidden(path, "GPU partitioning needs your own nodes; remove partition or run the operator with bring-your-own nodes");
            return;
        }
        switch (partition.Mode)
        {
            case null or "":
                errors.Required($"{path}.mode", "supported: mig, accelerator");
                break;
            case Mig:
                if (!settings.FeatureGates.EnableMig)
                    errors.Forbidden($"{path}.mode", "MIG partitioning is disabled; enable feature gate EnableMig or remove partition");
                if (partition.Count is not null)
                    errors.Forbidden($"{path}.count", "count applies to accelerator mode only; remove it for mig");
                if (string.IsNullOrEmpty(partition.Profile))
                    errors.Required($"{path}.profile", "set a MIG profile such as 1g.10gb");
                else if (ProfileProblem(partition.Profile) is { } problem)
                    errors.Invalid($"{path}.profile", partition.Profile, problem);
                else if (!MigProfiles.Contains(partition.Profile))
                    errors.NotSupported($"{path}.profile", partition.Profile, MigProfiles);
                break;
            case Accelerator:
                if (!settings.FeatureGates.EnableAccelerator)
                    errors.Forbidden($"{path}.mode", "accelerator partitioning is disabled; enable feature gate EnableAccelerator or remove partition");
                if (!string.IsNullOrEmpty(partition.Profile))
                    errors.Forbidden($"{path}.profile", "profile applies to mig mode only; remove it for accelerator");
                if (partition.Count is null) errors.Required($"{path}.count", "set the number of partitions per GPU (1 or more)");
                else if (partition.Count < 1) errors.Invalid($"{path}.count", partition.Count.Value.ToString(CultureInfo.InvariantCulture), "must be 1 or more");
                break;
            default:
                errors.NotSupported($"{path}.mode", partition.Mode, Modes);
                break;
        }
    }

    /// <summary>Memory of one slice of a well-formed MIG profile, in GiB; null when malformed.</summary>
    public static int? SliceMemoryGiB(string? profile)
    {
        if (profile is null) return null;
        var match = ProfileFormat().Match(profile);
        return match.Success && int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var gb) ? gb : null;
    }

    static string? ProfileProblem(string profile)
    {
        var match = ProfileFormat().Match(profile);
        if (!match.Success) return "expected <slices>g.<memory>gb, for example 1g.10gb";
        if (match.Groups[1].Value.All(c => c == '0')) return "compute slices must be at least 1";
        if (match.Groups[2].Value.All(c => c == '0')) return "memory must be at least 1 GB";
        return null;
    }

    [GeneratedRegex(@"^([0-9]{1,2})g\.([0-9]{1,4})gb\z", RegexOptions.CultureInvariant)]
    private static partial Regex ProfileFormat();
}
