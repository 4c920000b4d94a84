using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Presets.Tests;

public sealed class CronScheduleTests
{
    static DateTime At(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    [Theory]
    [InlineData("0 2 * * *", "expected")]
    [InlineData("0 2 * *", "expected 5 fields")]
    [InlineData("60 2 * * *", "minute 60 is outside 0-59")]
    [InlineData("0 24 * * *", "hour 24 is outside 0-23")]
    [InlineData("0 2 0 * *", "day of month 0 is outside 1-31")]
    [InlineData("0 2 * 13 *", "month 13 is outside 1-12")]
    [InlineData("0 2 * * 8", "day of week 8 is outside 0-7")]
    [InlineData("0 5-2 * * *", "hour range 5-2 runs backwards")]
    [InlineData("*/0 * * * *", "minute step 0 never advances")]
    [InlineData("0 2 * * MON", "day of week \"MON\" is not *, a number, a range or a step")]
    public void Malformed_schedules_say_which_field_is_wrong(string schedule, string expected)
    {
        var (parsed, problem) = CronSchedule.Parse(schedule);
        if (expected == "expected")
        {
            Assert.NotNull(parsed);
            Assert.Null(problem);
            return;
        }
        Assert.Null(parsed);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 2 * * 6", "2026-12-05T02:00:30", true)]   // a Saturday
    [InlineData("0 2 * * 6", "2026-12-05T02:01:00", false)]
    [InlineData("0 2 * * 6", "2026-12-06T02:00:00", false)]  // Sunday
    [InlineData("0 2 * * 7", "2026-12-06T02:00:00", true)]   // 7 is Sunday too
    [InlineData("0 2 * * 0", "2026-12-06T02:00:00", true)]
    [InlineData("*/15 * * * *", "2026-12-02T10:45:00", true)]
    [InlineData("*/15 * * * *", "2026-12-02T10:46:00", false)]
    [InlineData("5/20 * * * *", "2026-12-02T10:25:00", true)]
    [InlineData("0 1-3,22 * * *", "2026-12-02T22:00:00", true)]
    [InlineData("0 1-3,22 * * *", "2026-12-02T04:00:00", false)]
    [InlineData("0 0 1 * 1", "2026-12-07T00:00:00", true)]   // a Monday, not the 1st: either day field matches
    [InlineData("0 0 1 * 1", "2026-12-01T00:00:00", true)]   // the 1st, a Tuesday
    [InlineData("0 0 1 * 1", "2026-12-02T00:00:00", false)]
    [InlineData("0 0 1 * *", "2026-12-07T00:00:00", false)]  // only the day of month restricted
    public void Fires_in_the_minutes_the_schedule_names(string schedule, string at, bool fires) =>
        Assert.Equal(fires, CronSchedule.Parse(schedule).Schedule!.Fires(At(at)));

    [Fact]
    public void A_window_is_open_from_a_firing_for_its_duration()
    {
        var window = new MaintenanceWindow { Schedule = "0 2 * * 6", Duration = "90m" };
        Assert.False(CronSchedule.IsOpen(window, At("2026-12-05T01:59:59")));
        Assert.True(CronSchedule.IsOpen(window, At("2026-12-05T02:00:00")));
        Assert.True(CronSchedule.IsOpen(window, At("2026-12-05T03:29:59")));
        Assert.False(CronSchedule.IsOpen(window, At("2026-12-05T03:30:00")));
        Assert.Equal(At("2026-12-05T02:00:00"), CronSchedule.Parse(window.Schedule).Schedule!.OpenSince(At("2026-12-05T03:00:00"), TimeSpan.FromMinutes(90)));
    }

    [Fact]
    public void The_default_duration_is_four_hours_and_a_malformed_window_is_never_open()
    {
        Assert.True(CronSchedule.IsOpen(new MaintenanceWindow { Schedule = "0 2 * * *" }, At("2026-12-02T05:59:00")));
        Assert.False(CronSchedule.IsOpen(new MaintenanceWindow { Schedule = "0 2 * * *" }, At("2026-12-02T06:00:00")));
        Assert.False(CronSchedule.IsOpen(new MaintenanceWindow { Schedule = "bad" }, At("2026-12-02T02:00:00")));
        Assert.False(CronSchedule.IsOpen(new MaintenanceWindow { Schedule = "0 2 * * *", Duration = "-1h" }, At("2026-12-02T02:00:00")));
        Assert.False(CronSchedule.IsOpen(null, At("2026-12-02T02:00:00")));
    }

    [Fact]
    public void A_closed_window_says_when_it_opens_next_within_the_horizon()
    {
        var window = new MaintenanceWindow { Schedule = "0 2 * * 6", Duration = "90m" };
        Assert.Equal((false, At("2026-12-05T02:00:00")), CronSchedule.Window(window, At("2026-12-05T01:15:00"), TimeSpan.FromHours(1)));
        Assert.Equal((false, (DateTime?)null), CronSchedule.Window(window, At("2026-12-05T00:30:00"), TimeSpan.FromHours(1)));
        Assert.Equal((true, (DateTime?)null), CronSchedule.Window(window, At("2026-12-05T02:10:00"), TimeSpan.FromHours(1)));
        Assert.Equal((false, (DateTime?)null), CronSchedule.Window(new MaintenanceWindow { Schedule = "bad" }, At("2026-12-05T01:15:00"), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void The_next_firing_is_found_within_the_horizon_only()
    {
        var schedule = CronSchedule.Parse("30 * * * *").Schedule!;
        Assert.Equal(At("2026-12-02T10:30:00"), schedule.NextFiring(At("2026-12-02T10:05:10"), TimeSpan.FromHours(1)));
        Assert.Equal(At("2026-12-02T11:30:00"), schedule.NextFiring(At("2026-12-02T10:30:00"), TimeSpan.FromHours(1)));
        Assert.Null(CronSchedule.Parse("0 2 * * 6").Schedule!.NextFiring(At("2026-12-02T10:00:00"), TimeSpan.FromHours(1)));
    }
}
