using System.Text;

namespace Kaito.Webhooks.Admission.Reading;

/// <summary>
/// Strings that every review repeats (the envelope's constants, the API's group and versions, catalog names), held once:
/// a reader returns the instance held here for a value whose unescaped UTF-8 bytes match one, instead of decoding a new
/// string per request. Strings are immutable and compared by value, so the object read is the same as JsonSerializer's.
/// </summary>
public sealed class KnownStrings
{
    readonly Utf8Table<string> table;

    public KnownStrings(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        table = new([.. values.Where(v => !string.IsNullOrEmpty(v)).Distinct(StringComparer.Ordinal).Select(v => (Encoding.UTF8.GetBytes(v), v))]);
    }

    /// <summary>The held string whose UTF-8 encoding is <paramref name="utf8"/>, or null.</summary>
    public string? Find(ReadOnlySpan<byte> utf8) => table.Find(utf8);
}
