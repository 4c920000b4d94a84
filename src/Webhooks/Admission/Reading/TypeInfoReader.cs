using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace Kaito.Webhooks.Admission.Reading;

/// <summary>
/// Reads JSON into the object JsonSerializer would make from the same <see cref="JsonTypeInfo"/>, without going through
/// its generic converters: under Native AOT every reference type shares one canonical copy of them (a runtime generic
/// lookup at every step), and that made reading most of an admission request's cost. Objects, strings, booleans,
/// integers and string lists and maps are read here (<see cref="ReadPlan"/> says which, planned once per reader);
/// anything else is handed to JsonSerializer. Whatever this reader cannot vouch for (an escaped or <c>$</c> property
/// name, a token of another type, malformed JSON) makes it decline, and the caller reads with JsonSerializer: same
/// object, same errors. The one exception is asked for by name: map entries to leave out (<see cref="MapEntryOmission"/>).
/// Strings found among <see cref="KnownStrings"/> are the instances held there.
/// </summary>
public sealed class TypeInfoReader
{
    static readonly object True = true, False = false;
    readonly ReadPlan? plan;
    readonly JsonReaderOptions readerOptions;
    readonly KnownStrings? known;

    public TypeInfoReader(JsonTypeInfo typeInfo, IReadOnlyList<MapEntryOmission>? omissions = null, KnownStrings? known = null)
    {
        plan = ReadPlan.For(typeInfo, omissions);
        this.known = known;
        var options = typeInfo.Options;
        readerOptions = new JsonReaderOptions
        {
            AllowTrailingCommas = options.AllowTrailingCommas,
            CommentHandling = options.ReadCommentHandling,
            MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
        };
    }

    /// <summary>The object read from <paramref name="json"/>, or false when JsonSerializer should read it instead.</summary>
    public bool TryRead(ReadOnlySpan<byte> json, out object? value)
    {
        value = null;
        if (plan is null) return false;
        var reader = new Utf8JsonReader(json, readerOptions);
        try
        {
            if (!reader.Read()) return false;
            var read = ReadValue(ref reader, plan);
            // Only whitespace may follow the value (the reader throws on anything else).
            if (reader.Read()) return false;
            value = read;
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Malformed JSON, a type JsonSerializer would refuse, a setter that throws: JsonSerializer says it its own way.
            return false;
        }
    }

    object? ReadValue(ref Utf8JsonReader reader, ReadPlan plan)
    {
        var token = reader.TokenType;
        switch (plan.Kind)
        {
            case ReadKind.Object:
                return token == JsonTokenType.Null ? null : ReadObject(ref reader, plan);
            case ReadKind.String:
                return StringOrNull(ref reader);
            case ReadKind.NullableBoolean when token == JsonTokenType.Null:
            case ReadKind.NullableInt32 when token == JsonTokenType.Null:
            case ReadKind.NullableInt64 when token == JsonTokenType.Null:
                return null;
            case ReadKind.Boolean or ReadKind.NullableBoolean:
                return token switch { JsonTokenType.True => True, JsonTokenType.False => False, _ => throw new Declined() };
            case ReadKind.Int32 or ReadKind.NullableInt32:
                return token == JsonTokenType.Number ? reader.GetInt32() : throw new Declined();
            case ReadKind.Int64 or ReadKind.NullableInt64:
                return token == JsonTokenType.Number ? reader.GetInt64() : throw new Declined();
            case ReadKind.StringList:
                return token == JsonTokenType.Null ? null : ReadStringList(ref reader);
            case ReadKind.StringMap:
                return token == JsonTokenType.Null ? null : ReadStringMap(ref reader);
            default:
                return token == JsonTokenType.Null && plan.NullIsNull ? null : JsonSerializer.Deserialize(ref reader, plan.TypeInfo);
        }
    }

    object ReadObject(ref Utf8JsonReader reader, ReadPlan plan)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new Declined();
        var target = plan.Create!();
        var next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = Find(ref reader, plan, ref next);
            reader.Read();
            if (property is null)
            {
                reader.Skip();
                continue;
            }
            property.Set(target, property.OmittedKeys.Length == 0 || reader.TokenType == JsonTokenType.Null
                ? ReadValue(ref reader, property.Value)
                : ReadStringMap(ref reader, property.OmittedKeys));
        }
        return target;
    }

    /// <summary>The property named at the reader, trying the one after the last match first (JSON usually keeps the declared order).</summary>
    static PlannedProperty? Find(ref Utf8JsonReader reader, ReadPlan plan, ref int next)
    {
        if (reader.ValueIsEscaped) throw new Declined();
        var name = reader.ValueSpan;
        // JsonSerializer gives "$" names a meaning of their own for some types and options.
        if (name.Length > 0 && name[0] == (byte)'$') throw new Declined();
        var lengths = plan.NameLengths;
        var keys = plan.NameKeys;
        ReadPlan.KeyOf(name, out var first, out var second);
        for (var i = 0; i < lengths.Length; i++)
        {
            var index = next + i;
            if (index >= lengths.Length) index -= lengths.Length;
            // Length and key from two arrays: most names differ in them, and each name is an object of its own.
            if (lengths[index] == name.Length && keys[2 * index] == first && keys[2 * index + 1] == second
                && (name.Length <= ReadPlan.KeyBytes || name.SequenceEqual(plan.Properties[index].Name)))
            {
                next = index + 1;
                return plan.Properties[index];
            }
        }
        return null;
    }

    List<string?> ReadStringList(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new Declined();
        var list = new List<string?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            list.Add(StringOrNull(ref reader));
        return list;
    }

    Dictionary<string, string?> ReadStringMap(ref Utf8JsonReader reader, byte[][]? omittedKeys = null)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new Declined();
        var map = new Dictionary<string, string?>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (omittedKeys is not null && IsOneOf(ref reader, omittedKeys))
            {
                reader.Read();
                CheckOmittedValue(ref reader);
                continue;
            }
            var key = String(ref reader);
            reader.Read();
            map[key] = StringOrNull(ref reader);
        }
        return map;
    }

    /// <summary>
    /// Declines a value JsonSerializer would refuse: anything but a string or null, or a string that does not decode
    /// (invalid UTF-8, a lone surrogate escape). Without a <c>\u</c> in it, a string decodes exactly when its bytes are
    /// valid UTF-8 (every other escape stands for ASCII, and the tokenizer has checked their syntax); with one, it is
    /// unescaped into a scratch buffer, which checks what decoding checks, without making the string.
    /// </summary>
    static void CheckOmittedValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return;
        if (reader.TokenType != JsonTokenType.String) throw new Declined();
        var raw = reader.ValueSpan;
        if (!Utf8.IsValid(raw)) throw new Declined();
        if (raw.IndexOf("\\u"u8) < 0) return;
        var scratch = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            // Throws InvalidOperationException where GetString would.
            reader.CopyString(scratch);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    static bool IsOneOf(ref Utf8JsonReader reader, byte[][] keys)
    {
        foreach (var key in keys)
            if (reader.ValueTextEquals(key)) return true;
        return false;
    }

    string? StringOrNull(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => String(ref reader),
        JsonTokenType.Null => null,
        _ => throw new Declined(),
    };

    /// <summary>The string (or property name) at the reader; a known one without escapes is not decoded (its bytes are its UTF-8).</summary>
    string String(ref Utf8JsonReader reader) =>
        known is not null && !reader.ValueIsEscaped && known.Find(reader.ValueSpan) is { } held ? held : reader.GetString()!;

    /// <summary>Something JsonSerializer would read differently or refuse: let it.</summary>
    sealed class Declined : Exception;
}

/// <summary>A <see cref="TypeInfoReader"/> for one type that falls back to JsonSerializer when it declines.</summary>
public sealed class TypeInfoReader<T>(JsonTypeInfo<T> typeInfo, IReadOnlyList<MapEntryOmission>? omissions = null, KnownStrings? known = null)
{
    readonly TypeInfoReader reader = new(typeInfo, omissions, known);

    /// <summary>Reads <paramref name="json"/> here when it can, else with JsonSerializer (which then also throws what it throws).</summary>
    public T? Read(ReadOnlySpan<byte> json) => TryRead(json, out var value) ? value : JsonSerializer.Deserialize(json, typeInfo);

    /// <summary>The object read here, or false when JsonSerializer would have to read it.</summary>
    public bool TryRead(ReadOnlySpan<byte> json, out T? value)
    {
        var read = reader.TryRead(json, out var untyped);
        value = (T?)untyped;
        return read;
    }
}
