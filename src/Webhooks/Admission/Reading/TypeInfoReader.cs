using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kaito.Webhooks.Admission.Reading;

/// <summary>
/// Reads JSON into the object JsonSerializer would make from the same <see cref="JsonTypeInfo"/>, without going through
/// its generic converters: under Native AOT every reference type shares one canonical copy of them (a runtime generic
/// lookup at every step), and that made reading most of an admission request's cost. Objects, strings, booleans,
/// integers and string lists and maps are read here (<see cref="ReadPlan"/> says which, planned once per reader);
/// anything else is handed to JsonSerializer. Whatever this reader cannot vouch for (an escaped or <c>$</c> property
/// name, a token of another type, malformed JSON) makes it decline, and the caller reads with JsonSerializer: same
/// object, same errors. The one exception is asked for by name: map entries to leave out (<see cref="MapEntryOmission"/>).
/// Strings found among <see cref="KnownStrings"/> are the instances held there. The tokens come from
/// <see cref="PlainJsonReader"/> for a plain document (most reviews) and from Utf8JsonReader when that one declines.
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
    public bool TryRead(ReadOnlySpan<byte> json, out object? value) => TryRead(json, plainOnly: false, out value);

    /// <summary>As <see cref="TryRead(ReadOnlySpan{byte}, out object?)"/>, with the plain tokenizer only (false where it declines).</summary>
    internal bool TryReadPlain(ReadOnlySpan<byte> json, out object? value) => TryRead(json, plainOnly: true, out value);

    bool TryRead(ReadOnlySpan<byte> json, bool plainOnly, out object? value)
    {
        try
        {
            return TryRead(new PlainJsonReader(json, readerOptions), out value);
        }
        catch (PlainJsonReader.Declined)
        {
            value = null;
            // Only the tokenizer's own declines are worth a second reading: a decline of the reading's would come again.
            return !plainOnly && TryRead(new Utf8Tokens(json, readerOptions), out value);
        }
    }

    bool TryRead<TTokens>(TTokens reader, out object? value) where TTokens : IJsonTokens, allows ref struct
    {
        value = null;
        if (plan is null) return false;
        try
        {
            if (!reader.Read()) return false;
            var read = ReadValue(ref reader, plan);
            // Only whitespace may follow the value (the reader throws on anything else).
            if (reader.Read()) return false;
            value = read;
            return true;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or PlainJsonReader.Declined))
        {
            // Malformed JSON, a type JsonSerializer would refuse, a setter that throws: JsonSerializer says it its own way.
            // (The plain tokenizer's declines go to the caller, which reads again with Utf8JsonReader.)
            return false;
        }
    }

    object? ReadValue<TTokens>(ref TTokens reader, ReadPlan plan) where TTokens : IJsonTokens, allows ref struct
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
                return token == JsonTokenType.Null && plan.NullIsNull ? null : reader.Deserialize(plan.TypeInfo);
        }
    }

    object ReadObject<TTokens>(ref TTokens reader, ReadPlan plan) where TTokens : IJsonTokens, allows ref struct
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new Declined();
        var target = plan.Create!();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = Find(ref reader, plan);
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

    /// <summary>The property named at the reader, or null for a name the type does not have.</summary>
    static PlannedProperty? Find<TTokens>(ref TTokens reader, ReadPlan plan) where TTokens : IJsonTokens, allows ref struct
    {
        if (reader.ValueIsEscaped) throw new Declined();
        var name = reader.ValueSpan;
        // JsonSerializer gives "$" names a meaning of their own for some types and options.
        if (name.Length > 0 && name[0] == (byte)'$') throw new Declined();
        return plan.Find(name);
    }

    List<string?> ReadStringList<TTokens>(ref TTokens reader) where TTokens : IJsonTokens, allows ref struct
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new Declined();
        var list = new List<string?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            list.Add(StringOrNull(ref reader));
        return list;
    }

    Dictionary<string, string?> ReadStringMap<TTokens>(ref TTokens reader, byte[][]? omittedKeys = null) where TTokens : IJsonTokens, allows ref struct
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

    /// <summary>Declines a value JsonSerializer would refuse: anything but a string or null, or a string that does not decode.</summary>
    static void CheckOmittedValue<TTokens>(ref TTokens reader) where TTokens : IJsonTokens, allows ref struct
    {
        if (reader.TokenType == JsonTokenType.Null) return;
        if (reader.TokenType != JsonTokenType.String) throw new Declined();
        reader.CheckStringDecodes();
    }

    static bool IsOneOf<TTokens>(ref TTokens reader, byte[][] keys) where TTokens : IJsonTokens, allows ref struct
    {
        foreach (var key in keys)
            if (reader.ValueTextEquals(key)) return true;
        return false;
    }

    string? StringOrNull<TTokens>(ref TTokens reader) where TTokens : IJsonTokens, allows ref struct => reader.TokenType switch
    {
        JsonTokenType.String => String(ref reader),
        JsonTokenType.Null => null,
        _ => throw new Declined(),
    };

    /// <summary>The string (or property name) at the reader; a known one without escapes is not decoded (its bytes are its UTF-8).</summary>
    string String<TTokens>(ref TTokens reader) where TTokens : IJsonTokens, allows ref struct =>
        known is not null && !reader.ValueIsEscaped && known.Find(reader.ValueSpan) is { } held ? held : reader.GetString();

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
