using System.Text;
using System.Text.Json;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Admission.Reading;
using Kaito.Webhooks.Tests.Fuzz;
using Xunit.Abstractions;

namespace Kaito.Webhooks.Tests.Admission;

/// <summary>
/// Property: whatever the bytes, PlainJsonReader either declines or gives exactly Utf8JsonReader's tokens (type, bytes as
/// written, whether escaped, the decoded string), and it never reads to the end a document Utf8JsonReader refuses.
/// </summary>
public sealed class PlainJsonReaderTests(ITestOutputHelper output)
{
    static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    /// <summary>A review as kubectl apply sends it through the API server: indented envelope, escaped last-applied copy.</summary>
    const string KubectlReview = """
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{
          "uid":"0df28fbd-5f5f-11e8-a4b5-0a58ac1f0b06",
          "kind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},
          "name":"ws","namespace":"default","operation":"CREATE","dryRun":false,
          "userInfo":{"username":"kubernetes-admin","groups":["system:masters","system:authenticated"]},
          "object":{"apiVersion":"kaito.sh/v1beta1","kind":"Workspace",
            "metadata":{"name":"ws","namespace":"default","creationTimestamp":null,"generation":-12,
              "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"kaito.sh/v1beta1\",\"a\":[1,2.5e-3]}\n\t\/"}},
            "resource":{"count":0,"instanceType":"Standard_NC24ads_A100_v4","labelSelector":{"matchLabels":{"apps":"phi-3-5"}}},
            "inference":{"preset":{"name":"phi-3.5-mini-instruct"}},"x":[true,false,null,[],{},-0.5E+2,10]},
          "oldObject":null,"options":{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"}}}
        """;

    [Fact]
    public void A_plain_review_gives_Utf8JsonReaders_tokens()
    {
        var body = Encoding.UTF8.GetBytes(KubectlReview);
        var plain = PlainTokens(body);
        Assert.NotNull(plain);
        Assert.Equal(Utf8Tokens(body), plain);
    }

    [Fact]
    public void Every_one_byte_change_of_a_review_is_declined_or_tokenized_as_Utf8JsonReader_does()
    {
        var body = Encoding.UTF8.GetBytes(KubectlReview);
        byte[] replacements = [.. "\"\\{}[],:0-.eE+tfnu/ x9A"u8, 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF, (byte)'\t', (byte)'\n'];
        var variants = new List<byte[]>();
        for (var i = 0; i < body.Length; i++)
        {
            foreach (var b in replacements)
            {
                if (body[i] == b) continue;
                var changed = (byte[])body.Clone();
                changed[i] = b;
                variants.Add(changed);
            }
            variants.Add([.. body.AsSpan(0, i), .. body.AsSpan(i + 1)]);
            variants.Add([.. body.AsSpan(0, i)]);
        }
        var (read, declined) = Check(variants);
        output.WriteLine($"{variants.Count} variants: {read} tokenized here, {declined} declined");
        // The property is only worth something if many variants are tokenized here: a change inside a string or a digit for a digit stays valid.
        Assert.True(read > variants.Count / 10, $"only {read} of {variants.Count} tokenized here");
    }

    [Fact]
    public void Generated_bodies_are_declined_or_tokenized_as_Utf8JsonReader_does()
    {
        var bodies = new MalformedRequestGenerator(20_261_204).Generate(3_000).Select(c => c.Body).Where(b => b.Length <= 1 << 20).ToList();
        var (read, declined) = Check(bodies);
        output.WriteLine($"{bodies.Count} generated bodies: {read} tokenized here, {declined} declined");
        Assert.True(read > bodies.Count / 5, $"only {read} of {bodies.Count} tokenized here");
    }

    [Theory]
    [InlineData("""  {"a" : [ 1 , 2 ] }  """, true)]
    [InlineData("""null""", true)]
    [InlineData("""-0.0e-0""", true)]
    [InlineData("""{"a":"\u00e9"}""", true)]                                   // checked, left escaped
    [InlineData("""{"a":1,}""", false)]
    [InlineData("""[1,]""", false)]
    [InlineData("""{"a":01}""", false)]
    [InlineData("""{"a":1.}""", false)]
    [InlineData("""{"a":tru}""", false)]
    [InlineData("""{"a":truex}""", false)]
    [InlineData("""{"a":"b"}{}""", false)]
    [InlineData("""{"a":"\x"}""", false)]
    [InlineData("""{"a":"\u12G4"}""", false)]
    [InlineData("""{"a":"é","名前":"😀"}""", true)]                             // non-ASCII inside strings
    [InlineData("""{"a":é}""", false)]
    [InlineData("""/*c*/{}""", false)]
    [InlineData("", false)]
    public void Small_documents(string json, bool readHere)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Equal(readHere, PlainTokens(bytes) is not null);
        Check([bytes]);
    }

    [Fact]
    public void Nesting_at_the_limit_is_read_and_beyond_it_declined()
    {
        Assert.NotNull(PlainTokens(Encoding.UTF8.GetBytes(new string('[', 64) + new string(']', 64))));
        Assert.Null(PlainTokens(Encoding.UTF8.GetBytes(new string('[', 65) + new string(']', 65))));
        Check([Encoding.UTF8.GetBytes(new string('[', 64) + new string(']', 64)), Encoding.UTF8.GetBytes(new string('[', 65) + new string(']', 65))]);
    }

    [Theory]
    [InlineData("""["plain"]""")]
    [InlineData("""["a \"quoted\" \\ \/ \b\f\n\r\t value"]""")]
    [InlineData("""[""]""")]
    [InlineData("""["\u00e9 \u0000 \u003c\u0026 \ud83d\ude00 \uD83D\uDE00"]""")]
    [InlineData("""["née 名前 😀"]""")]
    public void Strings_decode_as_Utf8JsonReader_decodes_them(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var expected = new Utf8JsonReader(bytes);
        expected.Read();
        expected.Read();
        var plain = new PlainJsonReader(bytes, Options);
        plain.Read();
        plain.Read();
        Assert.Equal(expected.GetString(), plain.GetString());
    }

    [Theory]
    [InlineData("""["\ud800"]""")]
    [InlineData("""["\udc00"]""")]
    [InlineData("""["\ud800x"]""")]
    [InlineData("""["\ud800\u0041"]""")]
    [InlineData("""["\ud800\ud800"]""")]
    [InlineData("""["é\n"]""")]                                                 // escapes and non-ASCII together: left to Utf8JsonReader
    public void Strings_that_do_not_decode_or_are_not_plain_are_declined(string json)
    {
        Assert.True(Declines(json, reads: 2, (ref PlainJsonReader reader) => reader.GetString()));
        Assert.True(Declines(json, reads: 2, (ref PlainJsonReader reader) => reader.CheckStringDecodes()));
    }

    [Fact]
    public void Invalid_UTF8_in_a_string_is_declined_when_decoded()
    {
        var bytes = new byte[] { (byte)'[', (byte)'"', 0xC3, (byte)'"', (byte)']' };
        Assert.Throws<InvalidOperationException>(() => { var copy = new Utf8JsonReader(bytes); copy.Read(); copy.Read(); return copy.GetString(); });
        Assert.True(Declines(Encoding.Latin1.GetString(bytes), reads: 2, (ref PlainJsonReader reader) => reader.GetString(), Encoding.Latin1));
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData("-2147483648", int.MinValue)]
    public void Integers_read_as_Utf8JsonReader_reads_them(string json, int value)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var plain = new PlainJsonReader(bytes, Options);
        plain.Read();
        Assert.Equal(value, plain.GetInt32());
        Assert.Equal(value, plain.GetInt64());
    }

    [Theory]
    [InlineData("2147483648")]
    [InlineData("1.0")]
    [InlineData("1e2")]
    public void Integers_Utf8JsonReader_refuses_are_declined(string json)
    {
        var expected = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        expected.Read();
        Assert.False(expected.TryGetInt32(out _));
        Assert.True(Declines(json, reads: 1, (ref PlainJsonReader reader) => reader.GetInt32()));
    }

    delegate void Use(ref PlainJsonReader reader);

    /// <summary>Whether <paramref name="use"/> of the reader, after <paramref name="reads"/> reads, declines.</summary>
    static bool Declines(string json, int reads, Use use, Encoding? encoding = null)
    {
        var reader = new PlainJsonReader((encoding ?? Encoding.UTF8).GetBytes(json), Options);
        for (var i = 0; i < reads; i++) reader.Read();
        try
        {
            use(ref reader);
            return false;
        }
        catch (PlainJsonReader.Declined)
        {
            return true;
        }
    }

    /// <summary>Counts the documents read here and declined; fails on the first one read here that Utf8JsonReader reads otherwise or refuses.</summary>
    static (int Read, int Declined) Check(IEnumerable<byte[]> documents)
    {
        int read = 0, declined = 0;
        foreach (var document in documents)
        {
            var plain = PlainTokens(document);
            if (plain is null)
            {
                declined++;
                continue;
            }
            read++;
            var expected = Utf8Tokens(document);
            Assert.True(expected is not null, $"read here, but Utf8JsonReader refuses it: {Encoding.UTF8.GetString(document)}");
            Assert.True(expected.SequenceEqual(plain), $"tokens differ for: {Encoding.UTF8.GetString(document)}");
        }
        return (read, declined);
    }

    static List<string>? PlainTokens(byte[] json)
    {
        var reader = new PlainJsonReader(json, Options);
        var tokens = new List<string>();
        try
        {
            while (reader.Read()) tokens.Add(Token(reader.TokenType, reader.ValueSpan, reader.ValueIsEscaped, Decoded(ref reader)));
        }
        catch (PlainJsonReader.Declined)
        {
            return null;
        }
        return tokens;
    }

    static List<string>? Utf8Tokens(byte[] json)
    {
        var reader = new Utf8JsonReader(json, Options);
        var tokens = new List<string>();
        try
        {
            while (reader.Read()) tokens.Add(Token(reader.TokenType, reader.ValueSpan, reader.ValueIsEscaped, Decoded(ref reader)));
        }
        catch (JsonException)
        {
            return null;
        }
        return tokens;
    }

    static string Token(JsonTokenType type, ReadOnlySpan<byte> value, bool escaped, string? decoded) => type switch
    {
        JsonTokenType.String or JsonTokenType.PropertyName => $"{type} {Convert.ToHexString(value)} {escaped} {decoded}",
        JsonTokenType.Number => $"{type} {Convert.ToHexString(value)} {escaped}",
        _ => type.ToString(),
    };

    /// <summary>
    /// The string decoded, or "(does not decode)". The plain reader declines a string it does not decode, so a token list
    /// it completes holds only strings it decoded; each must be what Utf8JsonReader decodes.
    /// </summary>
    static string? Decoded(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) return null;
        try
        {
            return Convert.ToHexString(Encoding.Unicode.GetBytes(reader.GetString()!));
        }
        catch (InvalidOperationException)
        {
            return "(does not decode)";
        }
    }

    static string? Decoded(ref PlainJsonReader reader) =>
        reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName ? Convert.ToHexString(Encoding.Unicode.GetBytes(reader.GetString())) : null;
}
