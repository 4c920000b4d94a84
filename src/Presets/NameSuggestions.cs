namespace Kaito.Presets;

/// <summary>Closest known names by edit distance (case-insensitive), for error messages.</summary>
public static class NameSuggestions
{
    public static IReadOnlyList<string> Closest(string input, IEnumerable<string> candidates, int count)
    {
        var needle = Normalize(input);
        return [.. candidates
            .Select(c => (Name: c, Score: Score(needle, Normalize(c))))
            .OrderBy(x => x.Score).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(x => x.Name)];
    }

    /// <summary>The first candidate one edit (insert, delete or change of a letter or digit, ignoring case and punctuation) from the input, or null.</summary>
    public static string? OneEditAway(string input, IEnumerable<string> candidates)
    {
        var needle = Normalize(input);
        return candidates.FirstOrDefault(c => Distance(needle, Normalize(c)) == 1);
    }

    // Names containing what was typed come first (shortest first); the rest by edit distance.
    static double Score(string needle, string candidate) =>
        needle.Length > 0 && candidate.Contains(needle, StringComparison.Ordinal)
            ? (candidate.Length - needle.Length) / 1000.0
            : Distance(needle, candidate);

    static string Normalize(string name) =>
        new([.. name.Trim().ToLowerInvariant().Where(char.IsLetterOrDigit)]);

    static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
