using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>A maintenance window: a five-field cron schedule (UTC) and a positive duration (Go syntax, e.g. 4h, 90m).</summary>
public static class MaintenanceWindowRules
{
    public static void Validate(MaintenanceWindow? window, string path, FieldErrors errors)
    {
        if (window is null) return;
        if (string.IsNullOrWhiteSpace(window.Schedule))
            errors.Required($"{path}.schedule", "a five-field cron expression in UTC, e.g. \"0 2 * * 6\" (Saturdays at 02:00)");
        else if (CronSchedule.Parse(window.Schedule).Problem is { } problem)
            errors.Invalid($"{path}.schedule", window.Schedule, "invalid cron expression: " + problem);
        if (window.Duration is { } duration && !(GoDuration.Parse(duration) is { } span && span > TimeSpan.Zero))
            errors.Invalid($"{path}.duration", duration, "must be a positive duration such as 4h or 90m");
    }
}
