using System.Buffers.Text;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace Kaito.Webhooks.Admission.Reading;

/// <summary>
/// A tokenizer for plain JSON: no comments or trailing commas, nesting within the depth limit, non-ASCII bytes only
/// inside strings. For such a document it gives the tokens <see cref="Utf8JsonReader"/> gives, with less general
/// machinery (it scans strings 32 bytes at a time and keeps no state for partial buffers), and decodes strings as it
/// does (invalid UTF-8 or a lone surrogate escape refused). Anything else, valid JSON or not, it throws for: the caller
/// then reads the document with Utf8JsonReader, whose reading and errors stand. So it never accepts what Utf8JsonReader
/// refuses, and where it is unsure it declines; decoding a string that has both escapes and non-ASCII bytes is one such
/// case (rare in a review).
/// </summary>
ref struct PlainJsonReader : IJsonTokens
{
    /// <summary>Nesting is tracked in one 64-bit word.</summary>
    const int DepthLimit = 64;

    readonly ReadOnlySpan<byte> json;
    readonly JsonReaderOptions options;
    readonly int maxDepth;
    int position;
    int depth;
    // Bit d - 1 set: the container at depth d is an object.
    ulong objects;
    JsonTokenType token;
    int tokenStart, valueStart, valueLength;
    bool escaped, unicodeEscaped, nonAscii;

    public PlainJsonReader(ReadOnlySpan<byte> json, JsonReaderOptions options)
    {
        this.json = json;
        this.options = options;
        maxDepth = Math.Min(options.MaxDepth == 0 ? DepthLimit : options.MaxDepth, DepthLimit);
    }

    public readonly JsonTokenType TokenType => token;

    public readonly ReadOnlySpan<byte> ValueSpan => json.Slice(valueStart, valueLength);

    public readonly bool ValueIsEscaped => escaped;

    // The position travels through the steps of a read as a local and is stored once: kept in the field, every step
    // would wait for the previous one's store to come back.
    public bool Read()
    {
        var p = Whitespace(json, position);
        // What the last string said of itself; ReadString sets them again for a string or a name.
        escaped = unicodeEscaped = nonAscii = false;
        switch (token)
        {
            case JsonTokenType.None or JsonTokenType.PropertyName:
                position = ReadValue(p);
                return true;
            case JsonTokenType.StartObject:
                position = At(p, (byte)'}') ? End(p, JsonTokenType.EndObject) : ReadName(p);
                return true;
            case JsonTokenType.StartArray:
                position = At(p, (byte)']') ? End(p, JsonTokenType.EndArray) : ReadValue(p);
                return true;
        }
        // After a value: the end of the document, a comma, or the end of the container.
        if (depth == 0) return p < json.Length ? throw Decline() : false;
        var inObject = (objects >> (depth - 1) & 1) != 0;
        if (At(p, inObject ? (byte)'}' : (byte)']'))
        {
            position = End(p, inObject ? JsonTokenType.EndObject : JsonTokenType.EndArray);
            return true;
        }
        if (!At(p, (byte)',')) throw Decline();
        p = Whitespace(json, p + 1);
        position = inObject ? ReadName(p) : ReadValue(p);
        return true;
    }

    readonly bool At(int p, byte b) => (uint)p < (uint)json.Length && json[p] == b;

    int End(int p, JsonTokenType end)
    {
        depth--;
        token = end;
        return p + 1;
    }

    int ReadName(int p)
    {
        if (!At(p, (byte)'"')) throw Decline();
        p = Whitespace(json, ReadString(p));
        if (!At(p, (byte)':')) throw Decline();
        token = JsonTokenType.PropertyName;
        return p + 1;
    }

    int ReadValue(int p)
    {
        if (p >= json.Length) throw Decline();
        tokenStart = p;
        switch (json[p])
        {
            case (byte)'{':
                Push(inObject: true);
                token = JsonTokenType.StartObject;
                return p + 1;
            case (byte)'[':
                Push(inObject: false);
                token = JsonTokenType.StartArray;
                return p + 1;
            case (byte)'"':
                token = JsonTokenType.String;
                return ReadString(p);
            case (byte)'t':
                token = JsonTokenType.True;
                return Literal(p, "true"u8);
            case (byte)'f':
                token = JsonTokenType.False;
                return Literal(p, "false"u8);
            case (byte)'n':
                token = JsonTokenType.Null;
                return Literal(p, "null"u8);
            case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                token = JsonTokenType.Number;
                return ReadNumber(p);
            default:
                throw Decline();
        }
    }

    void Push(bool inObject)
    {
        if (depth >= maxDepth) throw Decline();
        if (inObject) objects |= 1UL << depth;
        else objects &= ~(1UL << depth);
        depth++;
    }

    readonly int Literal(int p, ReadOnlySpan<byte> literal) =>
        json[p..].StartsWith(literal) ? p + literal.Length : throw Decline();

    /// <summary>JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; what follows is checked by the next read.</summary>
    int ReadNumber(int p)
    {
        var start = p;
        if (json[p] == (byte)'-') p++;
        if (At(p, (byte)'0')) p++;
        else if (!Digits(json, ref p)) throw Decline();
        if (At(p, (byte)'.'))
        {
            p++;
            if (!Digits(json, ref p)) throw Decline();
        }
        if (At(p, (byte)'e') || At(p, (byte)'E'))
        {
            p++;
            if (At(p, (byte)'+') || At(p, (byte)'-')) p++;
            if (!Digits(json, ref p)) throw Decline();
        }
        (valueStart, valueLength) = (start, p - start);
        return p;
    }

    static bool Digits(ReadOnlySpan<byte> json, ref int p)
    {
        var start = p;
        while (p < json.Length && (uint)(json[p] - '0') <= 9) p++;
        return p > start;
    }

    /// <summary>From the opening quote past the closing one; the value is what lies between. Escapes are checked, not undone.</summary>
    int ReadString(int p)
    {
        var json = this.json;
        var start = ++p;
        bool anyEscape = false, unicode = false, wide = false;
        while (true)
        {
            p += SpecialAt(json[p..]);
            if (p >= json.Length) throw Decline();
            var b = json[p];
            if (b == (byte)'"') break;
            if (b >= 0x80)
            {
                // Checked when the string is decoded, as Utf8JsonReader does; skipped up to the next JSON special.
                wide = true;
                p += ControlQuoteOrBackslashAt(json[p..]);
                continue;
            }
            // A control character: invalid JSON.
            if (b != (byte)'\\' || p + 1 >= json.Length) throw Decline();
            anyEscape = true;
            switch (json[p + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    p += 2;
                    break;
                case (byte)'u' when p + 6 <= json.Length && IsHex(json[p + 2]) && IsHex(json[p + 3]) && IsHex(json[p + 4]) && IsHex(json[p + 5]):
                    unicode = true;
                    p += 6;
                    break;
                default:
                    throw Decline();
            }
        }
        (valueStart, valueLength, escaped, unicodeEscaped, nonAscii) = (start, p - start, anyEscape, unicode, wide);
        return p + 1;
    }

    static bool IsHex(byte b) => (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 5;

    /// <summary>The index of the first quote, backslash, control character or non-ASCII byte; the length when there is none.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    static int SpecialAt(ReadOnlySpan<byte> bytes) => StopAt(bytes, nonAscii: true);

    /// <summary>The index of the first quote, backslash or control character; the length when there is none.</summary>
    /// <remarks>Not inlined: it runs only for non-ASCII text, and inlined it would crowd the plain loop.</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static int ControlQuoteOrBackslashAt(ReadOnlySpan<byte> bytes) => StopAt(bytes, nonAscii: false);

    /// <summary>One scan for both: inlined into each with <paramref name="nonAscii"/> a constant, so each keeps one compare.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    static int StopAt(ReadOnlySpan<byte> bytes, bool nonAscii)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var space = Vector256.Create((byte)0x20);
            var quote = Vector256.Create((byte)'"');
            var backslash = Vector256.Create((byte)'\\');
            for (; i + Vector256<byte>.Count <= bytes.Length; i += Vector256<byte>.Count)
            {
                var chunk = Vector256.Create(bytes.Slice(i, Vector256<byte>.Count));
                // As signed bytes, control characters and non-ASCII bytes are exactly those below 0x20.
                var below = nonAscii ? Vector256.LessThan(chunk.AsSByte(), space.AsSByte()).AsByte() : Vector256.LessThan(chunk, space);
                var special = below | Vector256.Equals(chunk, quote) | Vector256.Equals(chunk, backslash);
                if (special != Vector256<byte>.Zero)
                    return i + System.Numerics.BitOperations.TrailingZeroCount(special.ExtractMostSignificantBits());
            }
        }
        for (; i < bytes.Length; i++)
            if ((nonAscii ? (sbyte)bytes[i] < 0x20 : bytes[i] < 0x20) || bytes[i] == (byte)'"' || bytes[i] == (byte)'\\') return i;
        return bytes.Length;
    }

    static int Whitespace(ReadOnlySpan<byte> json, int p)
    {
        // Most tokens follow one another directly, and every byte JSON allows between them is at most a space.
        if ((uint)p < (uint)json.Length && json[p] > (byte)' ') return p;
        while (p < json.Length && json[p] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') p++;
        return p;
    }

    public void Skip()
    {
        if (token == JsonTokenType.PropertyName) Read();
        if (token is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
        var outer = depth - 1;
        while (depth > outer) Read();
    }

    public readonly string GetString()
    {
        if (token is not (JsonTokenType.String or JsonTokenType.PropertyName)) throw Decline();
        var raw = ValueSpan;
        if (!escaped) return nonAscii ? (Utf8.IsValid(raw) ? Encoding.UTF8.GetString(raw) : throw Decline()) : Encoding.ASCII.GetString(raw);
        if (nonAscii) throw Decline();
        Span<char> chars = raw.Length <= 256 ? stackalloc char[raw.Length] : new char[raw.Length];
        return Unescape(raw, chars) is var length and >= 0 ? new string(chars[..length]) : throw Decline();
    }

    /// <summary>
    /// Writes the ASCII string <paramref name="raw"/> with its escapes undone (their syntax was checked while it was read) and
    /// returns the length; -1 for a surrogate escape that is not half of a pair, which decoding refuses.
    /// </summary>
    static int Unescape(ReadOnlySpan<byte> raw, Span<char> chars)
    {
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b != (byte)'\\')
            {
                chars[length++] = (char)b;
                continue;
            }
            switch (raw[++i])
            {
                case (byte)'u':
                    var unit = Hex(raw.Slice(i + 1, 4));
                    i += 4;
                    if (char.IsLowSurrogate(unit)) return -1;
                    if (char.IsHighSurrogate(unit))
                    {
                        if (i + 6 >= raw.Length || raw[i + 1] != (byte)'\\' || raw[i + 2] != (byte)'u') return -1;
                        var low = Hex(raw.Slice(i + 3, 4));
                        if (!char.IsLowSurrogate(low)) return -1;
                        chars[length++] = unit;
                        unit = low;
                        i += 6;
                    }
                    chars[length++] = unit;
                    break;
                case (byte)'b': chars[length++] = '\b'; break;
                case (byte)'f': chars[length++] = '\f'; break;
                case (byte)'n': chars[length++] = '\n'; break;
                case (byte)'r': chars[length++] = '\r'; break;
                case (byte)'t': chars[length++] = '\t'; break;
                case var same: chars[length++] = (char)same; break;
            }
        }
        return length;
    }

    static char Hex(ReadOnlySpan<byte> four)
    {
        var value = 0;
        foreach (var digit in four) value = value << 4 | (digit <= (byte)'9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        return (char)value;
    }

    public readonly int GetInt32() =>
        token == JsonTokenType.Number && Utf8Parser.TryParse(ValueSpan, out int value, out var used) && used == valueLength ? value : throw Decline();

    public readonly long GetInt64() =>
        token == JsonTokenType.Number && Utf8Parser.TryParse(ValueSpan, out long value, out var used) && used == valueLength ? value : throw Decline();

    public readonly bool ValueTextEquals(ReadOnlySpan<byte> utf8) => escaped ? throw Decline() : ValueSpan.SequenceEqual(utf8);

    /// <summary>Decodes where decoding has something to check (non-ASCII bytes, <c>\u</c> escapes), into a scratch buffer.</summary>
    public readonly void CheckStringDecodes()
    {
        if (!nonAscii && !unicodeEscaped) return;
        if (nonAscii && escaped) throw Decline();
        if (nonAscii)
        {
            if (!Utf8.IsValid(ValueSpan)) throw Decline();
            return;
        }
        var raw = ValueSpan;
        Span<char> chars = raw.Length <= 256 ? stackalloc char[raw.Length] : new char[raw.Length];
        if (Unescape(raw, chars) < 0) throw Decline();
    }

    /// <summary>The current value's bytes, read by JsonSerializer with a reader of their own (after this reader has checked them).</summary>
    public object? Deserialize(JsonTypeInfo info)
    {
        var start = tokenStart;
        Skip();
        var value = new Utf8JsonReader(json[start..position], options);
        return JsonSerializer.Deserialize(ref value, info);
    }

    static Declined Decline() => new();

    /// <summary>Not a plain document, or not one this reader vouches for: read it with Utf8JsonReader.</summary>
    public sealed class Declined : Exception;
}
