using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kaito.Webhooks.Admission;

namespace Kaito.Webhooks.Tests.Fuzz;

/// <summary>
/// Deterministic malformed AdmissionReviews. Fragments JsonNode cannot express (deep nesting, duplicate
/// keys, lone surrogates, invalid UTF-8, out-of-range numbers) go in as placeholder strings that are
/// swapped for raw bytes when the body is written.
/// </summary>
public sealed class MalformedRequestGenerator(int seed)
{
    static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    static readonly string[] Paths = [.. AdmissionKind.All.SelectMany(k => new[] { k.MutatePath, k.ValidatePath })];
    static readonly string[] Unicode = ["ünïcødé", "名前", "😀🚀", "\u200B", "\u202Eevil", "\0", "a\tb\nc", "Ω≈ç√", "\uFEFF", "ﷺ", "𝔘𝔫𝔦"];

    readonly Random random = new(seed);
    readonly List<byte[]> raws = [];

    public IEnumerable<FuzzCase> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(100);
            yield return roll switch
            {
                < 8 => RandomBytes(),
                < 16 => Truncated(),
                < 22 => WrongShape(),
                < 52 => OddEnvelope(),
                _ => MutatedObject(),
            };
        }
        // Over the 4 MiB limit, declared up front and streamed without a length.
        foreach (var chunked in new[] { false, true })
            yield return new FuzzCase("oversize", Paths[0], Build(Review(ValidWorkspace(), "CREATE", "big", HugeString(5 * 1024 * 1024))), "big", chunked);
    }

    FuzzCase RandomBytes()
    {
        var bytes = new byte[random.Next(0, 4096)];
        random.NextBytes(bytes);
        if (bytes.Length > 0 && random.Next(2) == 0) bytes[0] = (byte)'{';
        return new FuzzCase("random-bytes", Pick(Paths), bytes, null);
    }

    FuzzCase Truncated()
    {
        var uid = Uid();
        var body = Build(Review(random.Next(2) == 0 ? ValidWorkspace() : ValidRAGEngine(), Pick("CREATE", "UPDATE"), uid));
        return new FuzzCase("truncated", Pick(Paths), body[..random.Next(0, body.Length)], uid);
    }

    FuzzCase WrongShape()
    {
        JsonNode? node = random.Next(12) switch
        {
            0 => new JsonArray(1, "a", null),
            1 => random.Next(),
            2 => random.NextDouble() * -1e6,
            3 => "AdmissionReview",
            4 => true,
            5 => new JsonObject(),
            6 => new JsonObject { ["request"] = null },
            7 => new JsonObject { ["request"] = new JsonArray(new JsonObject { ["uid"] = "x" }) },
            8 => new JsonObject { ["request"] = WrongValue() },
            9 => new JsonObject { ["apiVersion"] = WrongValue(), ["kind"] = WrongValue(), ["request"] = new JsonObject() },
            10 => new JsonObject { ["response"] = new JsonObject { ["uid"] = "x", ["allowed"] = true } },
            _ => new JsonArray(Review(ValidWorkspace(), "CREATE", "in-array")),
        };
        var body = node is null ? "null"u8.ToArray() : Build(node);
        if (random.Next(10) == 0) body = [0xEF, 0xBB, 0xBF, .. body];   // a UTF-8 byte order mark
        return new FuzzCase("wrong-shape", Pick(Paths), body, null);
    }

    FuzzCase OddEnvelope()
    {
        var workspace = random.Next(2) == 0;
        var kind = workspace ? AdmissionKind.Workspace : AdmissionKind.RAGEngine;
        var uid = Uid();
        var review = Review(workspace ? ValidWorkspace() : ValidRAGEngine(), Pick("CREATE", "UPDATE"), uid);
        var request = (JsonObject)review["request"]!;
        var edits = 1 + random.Next(3);
        for (var i = 0; i < edits; i++)
        {
            switch (random.Next(9))
            {
                case 0:
                    uid = null;
                    if (random.Next(3) == 0) request.Remove("uid");
                    else request["uid"] = Pick<JsonNode?>(null, random.Next(), new JsonObject(), new JsonArray("a"), true);
                    break;
                case 1:
                    if (random.Next(2) == 0) request.Remove("kind");
                    else request["kind"] = Pick<JsonNode?>(null, "Workspace", new JsonObject { ["kind"] = "Workspace" },
                        Gvk("apps", "v1", "Deployment"), Gvk("kaito.sh", "v1beta1", workspace ? "RAGEngine" : "Workspace"),
                        Gvk("other.io", "v1", kind.Kind), Gvk("kaito.sh", "v1beta1", kind.Kind.ToLowerInvariant()), Gvk("kaito.sh", "v1beta1", ""));
                    break;
                case 2:
                    request["operation"] = Pick<JsonNode?>("DELETE", "CONNECT", "PATCH", "create", "", null, 7, "UPDATE", Text());
                    if (random.Next(4) == 0) request.Remove("operation");
                    break;
                case 3:
                    if (random.Next(3) == 0) request.Remove("object");
                    else request["object"] = Pick<JsonNode?>(null, new JsonArray(), new JsonArray(ValidWorkspace()), "object", 3, false);
                    break;
                case 4:
                    request["operation"] = "UPDATE";
                    if (random.Next(2) == 0) request.Remove("oldObject");
                    else request["oldObject"] = Pick<JsonNode?>(null, "old", new JsonArray(), 0);
                    break;
                case 5:
                    request["subResource"] = Pick<JsonNode?>("status", "scale", "", null, 1, Text());
                    break;
                case 6:
                    request["name"] = Pick<JsonNode?>(null, 5, "", Text(), Raw(LoneSurrogate()), Raw(InvalidUtf8()));
                    // Without request.name the handler reads metadata.name from the object itself.
                    if (random.Next(2) == 0) request.Remove("name");
                    if (request["object"] is JsonObject { } obj && random.Next(2) == 0)
                        Set(obj, ["metadata", "name"], Pick(WrongValue(), Raw(LoneSurrogate()), Raw(InvalidUtf8())));
                    break;
                case 7:
                    request[Pick("dryRun", "namespace", "resource", "userInfo")] = WrongValue();
                    break;
                default:
                    request[Pick("object", "oldObject")] = random.Next(2) == 0 ? ValidRAGEngine() : ValidWorkspace();
                    break;
            }
        }
        return new FuzzCase("odd-envelope", PathFor(kind), Build(review), uid);
    }

    FuzzCase MutatedObject()
    {
        var workspace = random.Next(2) == 0;
        var kind = workspace ? AdmissionKind.Workspace : AdmissionKind.RAGEngine;
        var paths = workspace ? SeedObjects.WorkspacePaths : SeedObjects.RAGEnginePaths;
        var uid = Uid();
        var operation = random.Next(3) == 0 ? "UPDATE" : "CREATE";
        var target = workspace ? ValidWorkspace() : ValidRAGEngine();
        var old = operation == "UPDATE" ? (workspace ? ValidWorkspace() : ValidRAGEngine()) : null;
        var mutations = 1 + random.Next(3);
        for (var i = 0; i < mutations; i++)
        {
            var victim = old is not null && random.Next(4) == 0 ? old : target;
            var path = Pick(paths);
            if (random.Next(8) == 0) Remove(victim, path);
            else Set(victim, path, WrongValue());
        }
        return new FuzzCase("mutated-object", PathFor(kind), Build(Review(target, operation, uid, old: old)), uid);
    }

    JsonObject Review(JsonObject obj, string operation, string? uid, string? padding = null, JsonObject? old = null)
    {
        var kind = obj["kind"] is JsonValue v && v.TryGetValue<string>(out var k) ? k : "Workspace";
        var request = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = Gvk("kaito.sh", "v1beta1", kind),
            ["resource"] = new JsonObject { ["group"] = "kaito.sh", ["version"] = "v1beta1", ["resource"] = kind.ToLowerInvariant() + "s" },
            ["name"] = "fuzz",
            ["namespace"] = "default",
            ["operation"] = operation,
            ["userInfo"] = new JsonObject { ["username"] = "kubernetes-admin", ["groups"] = new JsonArray("system:masters") },
            ["object"] = obj,
            ["dryRun"] = false,
        };
        if (operation == "UPDATE") request["oldObject"] = old ?? obj.DeepClone();
        if (padding is not null) request["padding"] = padding;
        if (random.Next(2) == 0) request.Remove("name");   // CREATE with generateName: the API server sends no name
        return new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["request"] = request };
    }

    static JsonObject Gvk(string group, string version, string kind) => new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    JsonObject ValidWorkspace() => SeedObjects.Parse(Pick(SeedObjects.Workspaces));

    JsonObject ValidRAGEngine() => SeedObjects.Parse(Pick(SeedObjects.RAGEngines));

    string PathFor(AdmissionKind kind) =>
        random.Next(8) == 0 ? Pick(Paths) : random.Next(2) == 0 ? kind.MutatePath : kind.ValidatePath;

    string Uid() => random.Next(20) == 0 ? Text() : $"{random.Next():x8}-{random.Next():x8}";

    /// <summary>A value of some type most fields do not accept.</summary>
    JsonNode? WrongValue() => random.Next(22) switch
    {
        0 => "x",
        1 => "3",
        2 => random.Next(-5, 5),
        3 => long.MaxValue,
        4 => 0.5,
        5 => true,
        6 => null,
        7 => new JsonObject(),
        8 => new JsonObject { ["a"] = 1, ["count"] = "x", ["matchLabels"] = new JsonArray() },
        9 => new JsonArray(),
        10 => new JsonArray(1, "a", null, new JsonObject()),
        11 => new JsonArray("https://example.com/a", 5),
        12 => HugeString(random.Next(20) == 0 ? random.Next(1, 3) * 1024 * 1024 : random.Next(1_000, 100_000)),
        13 => Text(),
        14 => Raw(DeepNesting(200)),
        15 => Raw(LoneSurrogate()),
        16 => Raw(InvalidUtf8()),
        17 => Raw(DuplicateKeys()),
        18 => Raw(Encoding.UTF8.GetBytes(Pick("1e400", "-1e400", "123456789012345678901234567890", "-0", "1E-400"))),
        19 => "",
        20 => new JsonObject { ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = 5 } },
        _ => Text(),
    };

    string Text()
    {
        var builder = new StringBuilder();
        var parts = random.Next(1, 5);
        for (var i = 0; i < parts; i++) builder.Append(Pick(Unicode));
        return builder.ToString();
    }

    string HugeString(int length) => new((char)('a' + random.Next(26)), length);

    byte[] DeepNesting(int depth)
    {
        var array = random.Next(2) == 0;
        var open = array ? "[" : "{\"a\":";
        var close = array ? "]" : "}";
        return Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)));
    }

    byte[] LoneSurrogate() => Encoding.UTF8.GetBytes(Pick("\"\\ud800\"", "\"a\\udc00b\"", "\"\\ud83d\\u0041\""));

    byte[] InvalidUtf8() => Pick<byte[]>([0x22, 0xC3, 0x28, 0x22], [0x22, 0xFF, 0xFE, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF0, 0x9F, 0x22]);

    byte[] DuplicateKeys() => Encoding.UTF8.GetBytes(Pick(
        """{"name":"a","name":1,"name":{}}""",
        """{"count":1,"count":"2"}""",
        """{"matchLabels":{"a":"b"},"matchLabels":[]}"""));

    JsonNode Raw(byte[] fragment)
    {
        raws.Add(fragment);
        return JsonValue.Create($"@@RAW{raws.Count - 1}@@");
    }

    /// <summary>Serializes and splices the raw fragments back in.</summary>
    byte[] Build(JsonNode node)
    {
        var text = node.ToJsonString(Relaxed);
        using var body = new MemoryStream();
        var start = 0;
        while (text.IndexOf("\"@@RAW", start, StringComparison.Ordinal) is var at and >= 0)
        {
            var end = text.IndexOf("@@\"", at + 6, StringComparison.Ordinal);
            body.Write(Encoding.UTF8.GetBytes(text[start..at]));
            body.Write(raws[int.Parse(text.AsSpan(at + 6, end - at - 6), System.Globalization.CultureInfo.InvariantCulture)]);
            start = end + 3;
        }
        body.Write(Encoding.UTF8.GetBytes(text[start..]));
        raws.Clear();
        return body.ToArray();
    }

    static void Set(JsonObject root, object[] path, JsonNode? value)
    {
        JsonNode parent = root;
        for (var i = 0; i < path.Length - 1; i++)
            parent = Child(parent, path[i], path[i + 1] is int ? () => new JsonArray() : () => new JsonObject());
        if (path[^1] is string name) ((JsonObject)parent)[name] = value;
        else
        {
            var array = (JsonArray)parent;
            var index = (int)path[^1];
            while (array.Count <= index) array.Add(new JsonObject());
            array[index] = value;
        }
    }

    static void Remove(JsonObject root, object[] path)
    {
        JsonNode? node = root;
        for (var i = 0; i < path.Length - 1 && node is not null; i++)
            node = path[i] is string name ? (node as JsonObject)?[name] : node is JsonArray a && a.Count > (int)path[i] ? a[(int)path[i]] : null;
        if (node is JsonObject o && path[^1] is string last) o.Remove(last);
        else if (node is JsonArray array && path[^1] is int index && index < array.Count) array.RemoveAt(index);
    }

    /// <summary>The child at <paramref name="segment"/>, replaced by a fresh container when it is missing or of the wrong type.</summary>
    static JsonNode Child(JsonNode parent, object segment, Func<JsonNode> create)
    {
        var expected = create();
        if (segment is string name)
        {
            var obj = (JsonObject)parent;
            if (obj[name] is { } existing && existing.GetValueKind() == expected.GetValueKind()) return existing;
            obj[name] = expected;
            return expected;
        }
        var array = (JsonArray)parent;
        var index = (int)segment;
        while (array.Count <= index) array.Add(new JsonObject());
        if (array[index] is { } item && item.GetValueKind() == expected.GetValueKind()) return item;
        array[index] = expected;
        return expected;
    }

    T Pick<T>(params T[] items) => items[random.Next(items.Length)];
}
