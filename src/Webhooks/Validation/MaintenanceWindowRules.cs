using System.Globalization;
using System.Text.RegularExpressions;
using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>A maintenance window: a five-field cron schedule (UTC) and a positive duration (Go syntax, e.g. 4h, 90m).</summary>
public static partial class MaintenanceWindowRules
{
    static readonly (string Name, int Min, int Max)[] Fields = [("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7)];

    public static void Validate(MaintenanceWindow? window, string path, FieldErrors errors)
    {
        if (window is null) return;
        if (string.IsNullOrWhiteSpace(window.Schedule))
            errors.Required($"{path}.schedule", "a five-field cron expression in UTC, e.g. \"0 2 * * 6\" (Saturdays at 02:00)");
        else if (CronProblem(window.Schedule) is { } problem)
            errors.Invalid($"{path}.schedule", window.Schedule, "invalid cron expression: " + problem);
        if (window.Duration is { } duration && !(GoDuration.Parse(duration) is { } span && span > TimeSpan.Zero))
            errors.Invalid($"{path}.duration", duration, "must be a positive duration such as 4h or 90m");
    }

    /// <summary>Why <paramref name="schedule"/> is not a standard five-field cron expression, or null.</summary>
    public static string? CronProblem(string schedule)
    {
        var parts = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5) return $"expected 5 fields (minute hour day-of-month month day-of-week), found {parts.Length}";
        for (var i = 0; i < 5; i++)
        {
            foreach (var item in parts[i].Split(','))
            {
                var match = CronItem().Match(item);
                if (!match.Success) return $"{Fields[i].Name} \"{item}\" is not *, a number, a range or a step";
                foreach (var group in new[] { "from", "to" })
                {
                    if (!match.Groups[group].Success) continue;
                    var number = int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
                    if (number < Fields[i].Min || number > Fields[i].Max)
                        return $"{Fields[i].Name} {number} is outside {Fields[i].Min}-{Fields[i].Max}";
                }
            }
        }
        return null;
    }

    [GeneratedRegex(@"^(\*|(?<from>\d{1,2})(-(?<to>\d{1,2}))?)(/\d{1,2})?$")]
    private static partial Regex CronItem();
}
