using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Kaito.Webhooks.Admission.Reading;

/// <summary>
/// Strings that every review repeats (the envelope's constants, the API's group and versions, catalog names), held once:
/// a reader returns the instance held here for a value whose unescaped UTF-8 bytes match one, instead of decoding a new
/// string per request. Strings are immutable and compared by value, so the object read is the same as JsonSerializer's.
/// </summary>
public sealed class KnownStrings
{
    const ulong Multiplier = 0x9E3779B97F4A7C15UL;
    readonly (byte[] Utf8, string Value)[] entries;
    // Open addressing on a hash of the bytes (a value that is not held costs one or two probes, whatever the count):
    // index + 1 into entries, 0 for an empty slot; at least twice as many slots as entries.
    readonly int[] slots;
    readonly int mask;
    // A longer value is none of these, and is not hashed.
    readonly int longest;

    public KnownStrings(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        entries = [.. values.Where(v => !string.IsNullOrEmpty(v)).Distinct(StringComparer.Ordinal).Select(v => (Encoding.UTF8.GetBytes(v), v))];
        slots = new int[BitOperations.RoundUpToPowerOf2((uint)Math.Max(8, entries.Length * 2))];
        mask = slots.Length - 1;
        longest = entries.Length == 0 ? 0 : entries.Max(e => e.Utf8.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var slot = (int)Hash(entries[i].Utf8) & mask;
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = i + 1;
        }
    }

    /// <summary>The held string whose UTF-8 encoding is <paramref name="utf8"/>, or null.</summary>
    public string? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > longest) return null;
        for (var slot = (int)Hash(utf8) & mask; slots[slot] is var index and not 0; slot = (slot + 1) & mask)
        {
            var (bytes, value) = entries[index - 1];
            if (bytes.Length == utf8.Length && utf8.SequenceEqual(bytes)) return value;
        }
        return null;
    }

    static uint Hash(ReadOnlySpan<byte> utf8)
    {
        var hash = (ulong)utf8.Length * Multiplier;
        for (; utf8.Length >= 8; utf8 = utf8[8..])
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8)) * Multiplier;
        hash = (hash ^ Utf8Words.Load(utf8)) * Multiplier;
        // After a multiplication the high half is the well-mixed one.
        return (uint)(hash >> 32);
    }
}
