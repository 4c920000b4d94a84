using System.Globalization;
using System.Text.RegularExpressions;

namespace Kaito.Presets;

/// <summary>Durations as KAITO's Go API writes them: a sequence of number and unit (h, m, s, ms), e.g. 4h, 1h30m, 90s.</summary>
public static partial class GoDuration
{
    /// <summary>Plain seconds ("120") or a Go duration ("90s", "5m", "1h30m"); null when it is neither.</summary>
    public static TimeSpan? ParseSecondsOrDuration(string? text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : Parse(text?.Trim());

    /// <summary>The duration, or null when <paramref name="text"/> is not one.</summary>
    public static TimeSpan? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var matches = Part().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text) return null;
        var total = TimeSpan.Zero;
        foreach (Match m in matches)
        {
            var value = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            total += m.Groups["u"].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                _ => TimeSpan.FromMilliseconds(value),
            };
        }
        return total;
    }

    [GeneratedRegex(@"(?<n>\d+(\.\d+)?)(?<u>ms|h|m|s)")]
    private static partial Regex Part();
}
