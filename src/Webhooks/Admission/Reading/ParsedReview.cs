using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Kaito.Webhooks.Admission.Reading;

/// <summary>
/// An AdmissionReview for defaulting, read from one parse of the body: its objects stay elements of that parse (the
/// tolerant reading parses each object a second time to keep it as JSON). The envelope is checked field by field the way
/// the tolerant reading checks it; whatever this reading does not vouch for (a response, a <c>$</c> name, a byte order
/// mark, text that does not decode, a field of the wrong type) makes it decline, and the tolerant reading answers.
/// </summary>
public sealed class ParsedReview : IDisposable
{
    readonly JsonDocument document;

    ParsedReview(JsonDocument document, AdmissionRequest request)
    {
        this.document = document;
        Request = request;
    }

    /// <summary>The request; its objects are valid until this review is disposed.</summary>
    public AdmissionRequest Request { get; }

    public void Dispose() => document.Dispose();

    /// <summary>The review, or null when the tolerant reading should read the body.</summary>
    public static ParsedReview? TryRead(ReadOnlyMemory<byte> body)
    {
        if (body.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
        try
        {
            if (Envelope(document.RootElement) is { } request) return new ParsedReview(document, request);
        }
        catch (Exception e) when (e is Declined or InvalidOperationException)
        {
            // Declined, or a string that does not decode (the tolerant reading refuses it with its own message).
        }
        document.Dispose();
        return null;
    }

    static AdmissionRequest? Envelope(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return null;
        AdmissionRequest? request = null;
        foreach (var property in root.EnumerateObject())
        {
            var name = new Name(property);
            var value = property.Value;
            if (name.Is("apiVersion"u8) || name.Is("kind"u8)) _ = String(value);
            else if (name.Is("request"u8)) request = value.ValueKind == JsonValueKind.Object ? RequestOf(value) : throw new Declined();
            else if (name.Is("response"u8)) throw new Declined();
            else name.Unknown();
        }
        return request;
    }

    static AdmissionRequest RequestOf(JsonElement element)
    {
        var request = new AdmissionRequest();
        foreach (var property in element.EnumerateObject())
        {
            var name = new Name(property);
            var value = property.Value;
            if (name.Is("uid"u8)) request.Uid = String(value);
            else if (name.Is("kind"u8)) request.Kind = Kind(value);
            else if (name.Is("resource"u8)) request.Resource = Resource(value);
            else if (name.Is("subResource"u8)) request.SubResource = String(value);
            else if (name.Is("name"u8)) request.Name = String(value);
            else if (name.Is("namespace"u8)) request.Namespace = String(value);
            else if (name.Is("operation"u8)) request.Operation = String(value);
            else if (name.Is("dryRun"u8)) request.DryRun = value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null => null,
                _ => throw new Declined(),
            };
            else if (name.Is("object"u8)) request.Object = value.ValueKind == JsonValueKind.Null ? null : value;
            else if (name.Is("oldObject"u8)) request.OldObject = value.ValueKind == JsonValueKind.Null ? null : value;
            else name.Unknown();
        }
        return request;
    }

    static GroupVersionKind? Kind(JsonElement element) =>
        GroupVersionAnd(element, "kind"u8) is (var group, var version, var kind) ? new GroupVersionKind { Group = group, Version = version, Kind = kind } : null;

    static GroupVersionResource? Resource(JsonElement element) =>
        GroupVersionAnd(element, "resource"u8) is (var group, var version, var resource) ? new GroupVersionResource { Group = group, Version = version, Resource = resource } : null;

    /// <summary>A group/version object with one more string property (kind or resource); null for a JSON null.</summary>
    static (string? Group, string? Version, string? Third)? GroupVersionAnd(JsonElement element, ReadOnlySpan<byte> third)
    {
        if (element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.Object) throw new Declined();
        (string? Group, string? Version, string? Third) read = default;
        foreach (var property in element.EnumerateObject())
        {
            var name = new Name(property);
            if (name.Is("group"u8)) read.Group = String(property.Value);
            else if (name.Is("version"u8)) read.Version = String(property.Value);
            else if (name.Is(third)) read.Third = String(property.Value);
            else name.Unknown();
        }
        return read;
    }

    static string? String(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Known(value) ?? value.GetString(),
        JsonValueKind.Null => null,
        _ => throw new Declined(),
    };

    /// <summary>The held instance of a string value every review repeats (<see cref="ReviewStrings"/>), when it has no escapes.</summary>
    static string? Known(JsonElement value)
    {
        var quoted = JsonMarshal.GetRawUtf8Value(value);
        var text = quoted[1..^1];
        return text.Contains((byte)'\\') ? null : ReviewStrings.Known.Find(text);
    }

    /// <summary>
    /// A property's name as written: compared byte for byte when it has no escape (then the bytes are the name), else
    /// through the document's own comparison, which unescapes.
    /// </summary>
    readonly ref struct Name
    {
        readonly JsonProperty property;
        readonly ReadOnlySpan<byte> raw;
        readonly bool escaped;

        public Name(JsonProperty property)
        {
            this.property = property;
            raw = JsonMarshal.GetRawUtf8PropertyName(property);
            escaped = raw.IndexOf((byte)'\\') >= 0;
        }

        public bool Is(ReadOnlySpan<byte> name) => escaped ? property.NameEquals(name) : raw.SequenceEqual(name);

        /// <summary>A property the tolerant reading skips; a <c>$</c> name may mean something to JsonSerializer, so it is left to it.</summary>
        public void Unknown()
        {
            // The name as written, decoded only when escaped (an escape may stand for the '$'); one that would not decode is
            // declined, as decoding it would have thrown.
            if (!Utf8.IsValid(raw)) throw new Declined();
            if (raw.Length > 0 && (raw[0] == (byte)'$' || (raw[0] == (byte)'\\' && property.Name.StartsWith('$')))) throw new Declined();
        }
    }

    sealed class Declined : Exception;
}
