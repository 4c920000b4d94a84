using System.Globalization;
using System.Text.RegularExpressions;
using Kaito.Api.V1Beta1;

namespace Kaito.Presets;

/// <summary>
/// A standard five-field cron expression (minute hour day-of-month month day-of-week, UTC): the one home for parsing
/// it (the webhook's error) and for evaluating it (whether an InferenceSet's maintenance window is open). Day-of-week
/// 0 and 7 are Sunday; when both day fields are restricted, a day matching either counts, as in cron.
/// </summary>
public sealed partial class CronSchedule
{
    static readonly (string Name, int Min, int Max)[] Fields = [("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7)];

    /// <summary>The longest window evaluated minute by minute; longer durations count as this long.</summary>
    public static readonly TimeSpan LongestWindow = TimeSpan.FromDays(31);

    readonly bool[][] allowed;
    readonly bool dayOfMonthAny;
    readonly bool dayOfWeekAny;

    CronSchedule(bool[][] allowed, bool dayOfMonthAny, bool dayOfWeekAny) =>
        (this.allowed, this.dayOfMonthAny, this.dayOfWeekAny) = (allowed, dayOfMonthAny, dayOfWeekAny);

    /// <summary>The schedule, or the reason <paramref name="text"/> is not one.</summary>
    public static (CronSchedule? Schedule, string? Problem) Parse(string? text)
    {
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5) return (null, $"expected 5 fields (minute hour day-of-month month day-of-week), found {parts.Length}");
        var allowed = new bool[5][];
        for (var i = 0; i < 5; i++)
        {
            var (_, min, max) = Fields[i];
            allowed[i] = new bool[max + 1];
            foreach (var item in parts[i].Split(','))
            {
                var match = Item().Match(item);
                if (!match.Success) return (null, $"{Fields[i].Name} \"{item}\" is not *, a number, a range or a step");
                int from = min, to = max;
                if (match.Groups["from"].Success)
                {
                    from = int.Parse(match.Groups["from"].Value, CultureInfo.InvariantCulture);
                    to = match.Groups["to"].Success ? int.Parse(match.Groups["to"].Value, CultureInfo.InvariantCulture)
                        : match.Groups["step"].Success ? max : from;
                }
                foreach (var number in new[] { from, to })
                {
                    if (number < min || number > max) return (null, $"{Fields[i].Name} {number} is outside {min}-{max}");
                }
                if (from > to) return (null, $"{Fields[i].Name} range {from}-{to} runs backwards");
                var step = match.Groups["step"].Success ? int.Parse(match.Groups["step"].Value, CultureInfo.InvariantCulture) : 1;
                if (step == 0) return (null, $"{Fields[i].Name} step 0 never advances");
                for (var n = from; n <= to; n += step) allowed[i][n] = true;
            }
        }
        if (allowed[4][7]) allowed[4][0] = true;
        return (new CronSchedule(allowed, parts[2] == "*", parts[4] == "*"), null);
    }

    /// <summary>Whether the schedule fires in the minute that contains <paramref name="utc"/>.</summary>
    public bool Fires(DateTime utc)
    {
        if (!allowed[0][utc.Minute] || !allowed[1][utc.Hour] || !allowed[3][utc.Month]) return false;
        var dayOfMonth = allowed[2][utc.Day];
        var dayOfWeek = allowed[4][(int)utc.DayOfWeek];
        return dayOfMonthAny || dayOfWeekAny ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek;
    }

    /// <summary>The start of the window open at <paramref name="utc"/> (a firing within the last <paramref name="duration"/>), or null.</summary>
    public DateTime? OpenSince(DateTime utc, TimeSpan duration)
    {
        var minute = Truncate(utc);
        var span = duration < LongestWindow ? duration : LongestWindow;
        for (var start = minute; utc - start < span; start = start.AddMinutes(-1))
        {
            if (Fires(start)) return start;
        }
        return null;
    }

    /// <summary>The next firing after <paramref name="utc"/> within <paramref name="horizon"/>, or null.</summary>
    public DateTime? NextFiring(DateTime utc, TimeSpan horizon)
    {
        for (var at = Truncate(utc).AddMinutes(1); at - utc <= horizon; at = at.AddMinutes(1))
        {
            if (Fires(at)) return at;
        }
        return null;
    }

    /// <summary>Whether <paramref name="window"/> (schedule and duration, default 4h) is open at <paramref name="utc"/>; false when it is malformed.</summary>
    public static bool IsOpen(MaintenanceWindow? window, DateTime utc) =>
        window is not null && Window(window, utc, TimeSpan.Zero).Open;

    /// <summary>
    /// Whether <paramref name="window"/> is open at <paramref name="utc"/>, and if not when it next opens within
    /// <paramref name="horizon"/>; from one parse. A malformed window is never open and never opens.
    /// </summary>
    public static (bool Open, DateTime? NextStart) Window(MaintenanceWindow window, DateTime utc, TimeSpan horizon)
    {
        if (Parse(window.Schedule).Schedule is not { } schedule
            || GoDuration.Parse(window.Duration ?? DefaultWindow) is not { } duration || duration <= TimeSpan.Zero)
            return (false, null);
        return schedule.OpenSince(utc, duration) is not null ? (true, null) : (false, schedule.NextFiring(utc, horizon));
    }

    /// <summary>KAITO's default maintenance window length.</summary>
    public const string DefaultWindow = "4h";

    static DateTime Truncate(DateTime utc) => new(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc);

    [GeneratedRegex(@"^(\*|(?<from>\d{1,2})(-(?<to>\d{1,2}))?)(/(?<step>\d{1,2}))?$")]
    private static partial Regex Item();
}
