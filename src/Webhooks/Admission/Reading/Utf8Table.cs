using System.Numerics;

namespace Kaito.Webhooks.Admission.Reading;

/// <summary>
/// A fixed set of UTF-8 byte strings, each with a value, looked up by the bytes: property names (<see cref="ReadPlan"/>)
/// and strings every review repeats (<see cref="KnownStrings"/>). Open addressing on a hash of the length and the first 16
/// bytes (then the rest, 8 at a time): at least twice as many slots as entries, so a run of bytes is found, or known
/// absent, in one or two probes whatever the count and the order entries were given in.
/// </summary>
sealed class Utf8Table<T> where T : class
{
    /// <summary>The bytes an entry's key is made of; only entries longer than this are compared in full.</summary>
    const int KeyBytes = 16;
    const ulong Multiplier = 0x9E3779B97F4A7C15UL;

    readonly byte[][] names;
    readonly T[] values;
    // Lengths and keys side by side: a probe compares these without following a reference to the entry's bytes.
    readonly int[] lengths;
    readonly ulong[] keys;
    // index + 1 into the entries, 0 for an empty slot.
    readonly int[] slots;
    readonly int mask;
    // A longer run of bytes is none of the entries, and is not hashed.
    readonly int longest;

    /// <param name="entries">Distinct byte strings; the first of two equal ones would hide the second.</param>
    public Utf8Table(IReadOnlyList<(byte[] Utf8, T Value)> entries)
    {
        names = [.. entries.Select(e => e.Utf8)];
        values = [.. entries.Select(e => e.Value)];
        lengths = [.. names.Select(n => n.Length)];
        longest = lengths.Length == 0 ? 0 : lengths.Max();
        keys = new ulong[names.Length * 2];
        slots = new int[BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, names.Length * 2))];
        mask = slots.Length - 1;
        for (var i = 0; i < names.Length; i++)
        {
            KeyOf(names[i], out keys[2 * i], out keys[2 * i + 1]);
            var slot = SlotOf(names[i], keys[2 * i], keys[2 * i + 1]);
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = i + 1;
        }
    }

    /// <summary>The value held for <paramref name="utf8"/>, or null.</summary>
    public T? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > longest) return null;
        KeyOf(utf8, out var first, out var second);
        for (var slot = SlotOf(utf8, first, second); slots[slot] is var entry and not 0; slot = (slot + 1) & mask)
        {
            var index = entry - 1;
            if (lengths[index] == utf8.Length && keys[2 * index] == first && keys[2 * index + 1] == second
                && (utf8.Length <= KeyBytes || utf8.SequenceEqual(names[index])))
                return values[index];
        }
        return null;
    }

    /// <summary>The first 16 bytes, zero-padded, as two integers.</summary>
    static void KeyOf(ReadOnlySpan<byte> utf8, out ulong first, out ulong second)
    {
        first = Utf8Words.Load(utf8);
        second = utf8.Length > 8 ? Utf8Words.Load(utf8[8..]) : 0;
    }

    int SlotOf(ReadOnlySpan<byte> utf8, ulong first, ulong second)
    {
        var hash = ((first * Multiplier ^ second) * Multiplier ^ (ulong)utf8.Length) * Multiplier;
        for (var rest = utf8.Length > KeyBytes ? utf8[KeyBytes..] : []; !rest.IsEmpty; rest = rest.Length > 8 ? rest[8..] : [])
            hash = (hash ^ Utf8Words.Load(rest)) * Multiplier;
        // After a multiplication the high half is the well-mixed one.
        return (int)(hash >> 32) & mask;
    }
}
