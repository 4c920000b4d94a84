using System.Buffers.Binary;

namespace Kaito.Webhooks.Admission.Reading;

/// <summary>Short UTF-8 byte runs as integers, for keys and hashes of names and known strings.</summary>
static class Utf8Words
{
    /// <summary>
    /// Up to the first 8 bytes as one little-endian integer, zero-padded. A shorter run is read as two overlapping loads
    /// (they agree where they overlap), not byte by byte.
    /// </summary>
    public static ulong Load(ReadOnlySpan<byte> bytes)
    {
        var n = bytes.Length;
        if (n >= 8) return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n >= 4) return BinaryPrimitives.ReadUInt32LittleEndian(bytes) | (ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes[(n - 4)..]) << ((n - 4) * 8);
        if (n >= 2) return BinaryPrimitives.ReadUInt16LittleEndian(bytes) | (ulong)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(n - 2)..]) << ((n - 2) * 8);
        return n == 1 ? bytes[0] : 0UL;
    }
}
