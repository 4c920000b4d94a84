using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace Kaito.Webhooks.Admission.Reading;

/// <summary>
/// The token stream <see cref="TypeInfoReader"/> reads: <see cref="Utf8JsonReader"/>'s (<see cref="Utf8Tokens"/>), or
/// <see cref="PlainJsonReader"/>'s for the plain documents most reviews are. Members mean what Utf8JsonReader's mean;
/// whatever a reader cannot answer it throws for, and the reading is declined.
/// </summary>
interface IJsonTokens
{
    bool Read();

    JsonTokenType TokenType { get; }

    /// <summary>The current string, property name or number as written (escapes not undone).</summary>
    ReadOnlySpan<byte> ValueSpan { get; }

    bool ValueIsEscaped { get; }

    /// <summary>At a property name, or the start of an object or array: moves to the end of that value.</summary>
    void Skip();

    /// <summary>The current string or property name, decoded; throws where decoding would.</summary>
    string GetString();

    int GetInt32();

    long GetInt64();

    bool ValueTextEquals(ReadOnlySpan<byte> utf8);

    /// <summary>Throws unless the current string decodes (valid UTF-8, no lone surrogate escape), without making it.</summary>
    void CheckStringDecodes();

    /// <summary>The current value, read by JsonSerializer with <paramref name="info"/>.</summary>
    object? Deserialize(JsonTypeInfo info);
}

/// <summary><see cref="Utf8JsonReader"/> as <see cref="IJsonTokens"/>: reads any document JsonSerializer reads.</summary>
ref struct Utf8Tokens(ReadOnlySpan<byte> json, JsonReaderOptions options) : IJsonTokens
{
    Utf8JsonReader reader = new(json, options);

    public bool Read() => reader.Read();

    public readonly JsonTokenType TokenType => reader.TokenType;

    public readonly ReadOnlySpan<byte> ValueSpan => reader.ValueSpan;

    public readonly bool ValueIsEscaped => reader.ValueIsEscaped;

    public void Skip() => reader.Skip();

    public readonly string GetString() => reader.GetString()!;

    public readonly int GetInt32() => reader.GetInt32();

    public readonly long GetInt64() => reader.GetInt64();

    public readonly bool ValueTextEquals(ReadOnlySpan<byte> utf8) => reader.ValueTextEquals(utf8);

    /// <summary>
    /// Without a <c>\u</c> in it, a string decodes exactly when its bytes are valid UTF-8 (every other escape stands for
    /// ASCII, and the tokenizer has checked their syntax); with one, it is unescaped into a scratch buffer, which checks
    /// what decoding checks.
    /// </summary>
    public readonly void CheckStringDecodes()
    {
        var raw = reader.ValueSpan;
        if (!Utf8.IsValid(raw)) throw new InvalidOperationException("the string is not valid UTF-8");
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

    public object? Deserialize(JsonTypeInfo info) => JsonSerializer.Deserialize(ref reader, info);
}
