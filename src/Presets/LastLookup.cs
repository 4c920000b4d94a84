namespace Kaito.Presets;

/// <summary>
/// The last answer of a catalog lookup, keyed by the identity of its string arguments. One admission review asks for its
/// cloud, SKU and model several times, with the same string instances from review to review (the operator's settings;
/// the review reader hands out the catalogs' own names), so a repeated lookup compares references instead of hashing
/// case-insensitively. Strings are immutable, so the same instances always mean the same answer. The entry is an
/// immutable record swapped whole: safe across threads.
/// </summary>
sealed class LastLookup<T>
{
    sealed record Entry(string First, string? Second, T Value);

    Entry? last;

    public bool TryGet(string first, string? second, out T value)
    {
        if (last is { } entry && ReferenceEquals(entry.First, first) && ReferenceEquals(entry.Second, second))
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    public T Remember(string first, string? second, T value)
    {
        last = new Entry(first, second, value);
        return value;
    }
}
