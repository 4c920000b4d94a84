using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Admission.Reading;
using Kaito.Webhooks.Tests.Fuzz;
using Xunit.Abstractions;

namespace Kaito.Webhooks.Tests.Admission;

/// <summary>
/// Property: whatever the body, TypeInfoReader either declines or makes exactly the object JsonSerializer makes from the
/// same metadata (compared by writing both back out), and it never accepts a body JsonSerializer refuses.
/// </summary>
public sealed class TypeInfoReaderTests(ITestOutputHelper output)
{
    static readonly MapEntryOmission[] NoOmissions = [];
    static readonly MapEntryOmission[] LastApplied = [TypedReviewJson.LastAppliedConfiguration];

    /// <summary>The readings to hold to JsonSerializer's; "for validation" ones are set up as validation's readers are (<see cref="TypedReviewJson.Review{T}.Reader"/>).</summary>
    static readonly (string Name, JsonTypeInfo Info, MapEntryOmission[] Omissions, KnownStrings? Known)[] Readings =
    [
        ("typed Workspace review", TypedReviewJson.Review<Workspace>.TypeInfo, NoOmissions, null),
        ("typed RAGEngine review", TypedReviewJson.Review<RAGEngine>.TypeInfo, NoOmissions, null),
        ("typed InferenceSet review", TypedReviewJson.Review<InferenceSet>.TypeInfo, NoOmissions, null),
        ("tolerant review", WebhookJson.Default.AdmissionReview, NoOmissions, null),
        ("typed Workspace review for validation", TypedReviewJson.Review<Workspace>.TypeInfo, LastApplied, ReviewStrings.Known),
        ("typed InferenceSet review for validation", TypedReviewJson.Review<InferenceSet>.TypeInfo, LastApplied, ReviewStrings.Known),
    ];

    /// <summary>A Workspace with every part the API server may send: managed fields, owner references, times, a pod template, status.</summary>
    const string FullWorkspace = """
        {"apiVersion":"kaito.sh/v1beta1","kind":"Workspace",
         "metadata":{"name":"full","namespace":"default","uid":"3f1c","resourceVersion":"812","generation":4,
           "creationTimestamp":"2026-11-30T10:00:00Z","deletionTimestamp":"2026-12-01T10:00:00.123456Z","deletionGracePeriodSeconds":0,
           "labels":{"team":"ml","tier":null},"annotations":{"kaito.sh/runtime":"transformers","note":"a \"quoted\" \u00e9 value"},
           "finalizers":["workspace.finalizer.kaito.sh"],
           "ownerReferences":[{"apiVersion":"kaito.sh/v1beta1","kind":"InferenceSet","name":"set","uid":"9a","controller":true,"blockOwnerDeletion":true}],
           "managedFields":[{"manager":"kubectl","operation":"Update","apiVersion":"kaito.sh/v1beta1","time":"2026-11-30T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{}}}}}]},
         "resource":{"count":2,"instanceType":"Standard_NC24ads_A100_v4","preferredNodes":["n1","n2"],
           "labelSelector":{"matchLabels":{"apps":"full"},"matchExpressions":[{"key":"zone","operator":"In","values":["a","b"]}]}},
         "inference":{"config":"cfg","preset":{"name":"phi-3.5-mini-instruct","accessMode":"public","presetOptions":{"image":"img","imagePullSecrets":["s"]}},
           "adapters":[{"source":{"name":"a","image":"registry/a:1"},"strength":"0.5"},{"source":{"name":"b","urls":["https://x/y"]}}],
           "template":{"metadata":{"labels":{"x":"y"}},"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":5000}],
             "resources":{"limits":{"nvidia.com/gpu":"1","memory":"16Gi"}},
             "livenessProbe":{"httpGet":{"path":"/health","port":"http"},"periodSeconds":10}}],"nodeSelector":{"a":"b"}}}},
         "status":{"workerNodes":["n1"],"state":"Ready","targetNodeCount":2,
           "conditions":[{"type":"ResourceReady","status":"True","reason":"Ok","message":"m","lastTransitionTime":"2026-11-30T10:01:00Z","observedGeneration":4}],
           "performance":{"metrics":{"ttft":{"description":"d","value":"1","unit":"ms","config":{"k":"v"}}}}}}
        """;

    const string FullTuning = """
        {"apiVersion":"kaito.sh/v1beta1","kind":"Workspace","metadata":{"name":"tune"},
         "resource":{"instanceType":"Standard_NC24ads_A100_v4"},
         "tuning":{"preset":{"name":"phi-3-mini-128k-instruct"},"method":"qlora","config":"c",
           "input":{"volumeSource":{"persistentVolumeClaim":{"claimName":"data"}},"imagePullSecrets":["s"]},
           "output":{"volumeSource":{"emptyDir":{}},"image":"registry/out:1","imagePushSecret":"push"}}}
        """;

    static byte[] Review(string kind, string operation, string obj, string? old = null) => Encoding.UTF8.GetBytes($$$$"""
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"u-1",
          "kind":{"group":"kaito.sh","version":"v1beta1","kind":"{{{{kind}}}}"},"resource":{"group":"kaito.sh","version":"v1beta1","resource":"x"},
          "requestKind":{"group":"kaito.sh","version":"v1beta1","kind":"{{{{kind}}}}"},"name":"n","namespace":"default","operation":"{{{{operation}}}}",
          "userInfo":{"username":"admin","groups":["system:masters"]},"object":{{{{obj}}}},"oldObject":{{{{old ?? "null"}}}},"dryRun":false,
          "options":{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"}}}
        """);

    static IEnumerable<byte[]> WellFormedReviews()
    {
        foreach (var workspace in SeedObjects.Workspaces.Append(FullWorkspace).Append(FullTuning).Append(KubectlApplied(FullWorkspace)))
        {
            yield return Review("Workspace", "CREATE", workspace);
            yield return Review("Workspace", "UPDATE", workspace, workspace);
        }
        foreach (var engine in SeedObjects.RAGEngines) yield return Review("RAGEngine", "CREATE", engine);
        var set = """{"apiVersion":"kaito.sh/v1beta1","kind":"InferenceSet","metadata":{"name":"s"},"spec":{"replicas":2,"nodeCountLimit":4,"template":""" +
                  """{"metadata":{"annotations":{"a":"b"}},"resource":{"instanceType":"Standard_NC24ads_A100_v4"},"inference":{"preset":{"name":"phi-3.5-mini-instruct"}}}}}""";
        yield return Review("InferenceSet", "CREATE", set);
        yield return Review("InferenceSet", "CREATE", KubectlApplied(set));
    }

    /// <summary>The object with kubectl's last-applied copy of itself in every metadata's annotations (templates' too).</summary>
    static string KubectlApplied(string json)
    {
        var node = JsonNode.Parse(json)!;
        var copy = node.ToJsonString() + "\n";
        foreach (var metadata in Descendants(node).OfType<JsonObject>().Where(o => o.Parent is JsonObject && o.GetPropertyName() == "metadata").ToList())
        {
            if (metadata["annotations"] is not JsonObject annotations) metadata["annotations"] = annotations = [];
            annotations[Annotations.KubectlLastAppliedConfiguration] = copy;
        }
        return node.ToJsonString();
    }

    static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
            foreach (var descendant in Descendants(child)) yield return descendant;
    }

    [Theory]
    [InlineData("\"{\\\"kind\\\":\\\"Workspace\\\"}\\n\"", true)]
    [InlineData("\"a\\\\u0041 \\u003c \\ud83d\\ude00\"", true)]               // \u escapes that decode
    [InlineData("null", true)]
    [InlineData("\"\\ud800\"", false)]                                               // a lone surrogate: JsonSerializer refuses it
    [InlineData("5", false)]
    [InlineData("{}", false)]
    public void The_validation_reader_checks_kubectls_copy_without_keeping_it(string value, bool readHere)
    {
        const string key = Annotations.KubectlLastAppliedConfiguration;
        var body = Encoding.UTF8.GetBytes(
            $$"""{"request":{"object":{"metadata":{"annotations":{"a":"1","{{key}}":{{value}},"b":"2"},"labels":{"{{key}}":"kept"}""" + "}}}}");
        var (accepted, mismatch) = Compare(body, TypedReviewJson.Review<Workspace>.TypeInfo, LastApplied);
        Assert.Null(mismatch);
        Assert.Equal(readHere, accepted);
        if (!readHere) return;
        Assert.True(new TypeInfoReader(TypedReviewJson.Review<Workspace>.TypeInfo, LastApplied).TryRead(body, out var value2));
        var metadata = ((TypedAdmissionReview<Workspace>)value2!).Request!.Object!.Metadata;
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, metadata.Annotations);
        Assert.Equal("kept", metadata.Labels[Annotations.KubectlLastAppliedConfiguration]);
    }

    [Fact]
    public void Well_formed_reviews_are_read_here_and_equal_JsonSerializers_reading()
    {
        foreach (var body in WellFormedReviews())
        {
            foreach (var (name, info, omissions, known) in Readings)
            {
                var (accepted, mismatch) = Compare(body, info, omissions, known);
                Assert.True(mismatch is null, $"{name}: {mismatch}");
                Assert.True(accepted, $"{name} declined a well-formed review: {Encoding.UTF8.GetString(body)}");
            }
        }
    }

    [Fact]
    public void Plain_reviews_are_tokenized_by_the_plain_reader_and_equal_JsonSerializers_reading()
    {
        var plain = 0;
        foreach (var body in WellFormedReviews())
        {
            // Plain: ASCII, and no \u escape in a string that is decoded (kubectl's copy is only checked).
            if (body.Any(b => b >= 0x80) || Encoding.UTF8.GetString(body).Contains("\\u", StringComparison.Ordinal)) continue;
            plain++;
            foreach (var (name, info, omissions, known) in Readings)
            {
                Assert.True(new TypeInfoReader(info, omissions, known).TryReadPlain(body, out var value), $"{name}: the plain reader declined {Encoding.UTF8.GetString(body)}");
                var (actual, expected) = (Written(value, info), Written(JsonSerializer.Deserialize(body, info), info));
                if (omissions.Length > 0) (actual, expected) = (WithoutLastApplied(actual), WithoutLastApplied(expected));
                Assert.Equal(expected, actual);
            }
        }
        Assert.True(plain >= 10, $"only {plain} plain reviews");
    }

    [Fact]
    public void What_the_plain_tokenizer_declines_is_read_again_with_Utf8JsonReader()
    {
        // Both an escape and a non-ASCII byte in one string: the plain tokenizer leaves its decoding to Utf8JsonReader.
        var body = Encoding.UTF8.GetBytes("""{"request":{"uid":"\u0041é"}}""");
        var reader = new TypeInfoReader(TypedReviewJson.Review<Workspace>.TypeInfo);
        Assert.False(reader.TryReadPlain(body, out _));
        Assert.True(reader.TryRead(body, out var value));
        Assert.Equal("Aé", ((TypedAdmissionReview<Workspace>)value!).Request!.Uid);
    }

    [Fact]
    public void What_the_reading_declines_is_left_to_JsonSerializer_without_a_second_reading()
    {
        var info = new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver() }.GetTypeInfo(typeof(RefusingSetter));
        var calls = new RefusingSetter.Calls();
        RefusingSetter.Counter.Value = calls;
        Assert.False(new TypeInfoReader(info).TryRead("""{"Name":"x"}"""u8, out _));
        Assert.Equal(1, calls.Count);
    }

    /// <summary>A type whose setter refuses every value and counts how often it was asked.</summary>
    public sealed class RefusingSetter
    {
        public sealed class Calls { public int Count; }

        public static readonly AsyncLocal<Calls?> Counter = new();

        public string? Name
        {
            get => null;
            set
            {
                if (Counter.Value is { } calls) calls.Count++;
                throw new InvalidOperationException($"refused {value}");
            }
        }
    }

    [Fact]
    public void Generated_bodies_are_declined_or_read_as_JsonSerializer_reads_them()
    {
        var cases = new MalformedRequestGenerator(20_261_203).Generate(6_000).Where(c => c.Body.Length <= WebhookEndpoints.MaxRequestBytes).ToList();
        var mismatches = new List<string>();
        foreach (var (name, info, omissions, known) in Readings)
        {
            int accepted = 0, declined = 0;
            foreach (var fuzz in cases)
            {
                var (read, mismatch) = Compare(fuzz.Body, info, omissions, known);
                if (mismatch is not null) mismatches.Add($"{name}: {mismatch}\n    {fuzz}");
                if (read) accepted++;
                else declined++;
            }
            output.WriteLine($"{name}: {accepted} read here, {declined} left to JsonSerializer");
            Assert.True(accepted >= cases.Count / 5, $"{name}: only {accepted} of {cases.Count} read here");
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} differences, first ones:\n{string.Join("\n", mismatches.Take(5))}");
    }

    [Theory]
    [InlineData("""{"request":{"uid":"a","uid":"b","name":"n"}}""", true)]            // the last duplicate wins, as in JsonSerializer
    [InlineData("""{"request":{"object":{"metadata":{"labels":{"k":"1","k":"2"}}}}}""", true)]
    [InlineData("""{"request":{"object":{"resource":{"count":3}}}}""", true)]
    [InlineData("""{"request":{"object":{"resource":{"count":null}}}}""", true)]
    [InlineData("""{"request":{"object":{"metadata":{"creationTimestamp":null}}}}""", true)]
    [InlineData("""{"request":{"object":{"unknown":{"deep":[1,{"x":null}]}}}}""", true)]
    // Same length and first 16 bytes as deletionGracePeriodSeconds: an unknown name, skipped as JsonSerializer skips it.
    [InlineData("""{"request":{"object":{"metadata":{"deletionGracePeriodSecondz":5,"nam":"x","namf":"y"}}}}""", true)]
    [InlineData("""  {"request":null}  """, true)]
    [InlineData("""null""", true)]
    [InlineData("""{"request":{"\u0075id":"escaped name"}}""", false)]
    [InlineData("""{"$id":"1","request":{}}""", false)]
    [InlineData("""{"request":{"uid":5}}""", false)]                               // JsonSerializer names the field
    [InlineData("""{"request":{"object":{"resource":{"count":1.5}}}}""", false)]
    [InlineData("""{"request":{"object":{"resource":{"count":"3"}}}}""", false)]
    [InlineData("""{"request":{"object":{"metadata":{"finalizers":[1]}}}}""", false)]
    [InlineData("""{"request":{"dryRun":"true"}}""", false)]
    [InlineData("""{"request":{}} {}""", false)]
    [InlineData("""{"request":{},}""", false)]
    [InlineData("""{"request":{"object":[]}}""", false)]
    public void Declines_what_JsonSerializer_would_read_differently_or_refuse(string json, bool readHere)
    {
        var (accepted, mismatch) = Compare(Encoding.UTF8.GetBytes(json), TypedReviewJson.Review<Workspace>.TypeInfo, NoOmissions);
        Assert.Null(mismatch);
        Assert.Equal(readHere, accepted);
    }

    [Fact]
    public void Nesting_beyond_the_options_depth_is_declined()
    {
        var deep = """{"request":{"object":{"unknown":""" + new string('[', 70) + new string(']', 70) + "}}}";
        var (accepted, mismatch) = Compare(Encoding.UTF8.GetBytes(deep), TypedReviewJson.Review<Workspace>.TypeInfo, NoOmissions);
        Assert.Null(mismatch);
        Assert.False(accepted);
    }

    [Fact]
    public void The_objects_of_a_review_are_read_here_and_custom_converters_left_to_JsonSerializer()
    {
        var plan = ReadPlan.For(TypedReviewJson.Review<Workspace>.TypeInfo)!;
        var kinds = new Dictionary<Type, ReadKind>();
        var pending = new Stack<ReadPlan>([plan]);
        while (pending.TryPop(out var next))
        {
            if (!kinds.TryAdd(next.TypeInfo.Type, next.Kind)) continue;
            foreach (var property in next.Properties) pending.Push(property.Value);
        }
        foreach (var type in new[] { typeof(Workspace), typeof(V1ObjectMeta), typeof(ResourceSpec), typeof(V1LabelSelector), typeof(InferenceSpec),
                     typeof(PresetSpec), typeof(TuningSpec), typeof(DataSource), typeof(V1PodTemplateSpec), typeof(V1PodSpec), typeof(WorkspaceStatus) })
            Assert.Equal(ReadKind.Object, kinds[type]);
        Assert.Equal(ReadKind.StringMap, kinds[typeof(IDictionary<string, string>)]);
        Assert.Equal(ReadKind.StringList, kinds[typeof(IList<string>)]);
        Assert.Equal(ReadKind.NullableInt32, kinds[typeof(int?)]);
        // The client's converter for times and STJ's JsonObject are JsonSerializer's to apply.
        Assert.Equal(ReadKind.Serializer, kinds[typeof(DateTime?)]);
        Assert.Equal(ReadKind.Serializer, kinds[typeof(System.Text.Json.Nodes.JsonObject)]);
        output.WriteLine($"{kinds.Count} types planned, {kinds.Count(k => k.Value == ReadKind.Object)} objects read here");
    }

    /// <summary>
    /// Whether the reader took the body, and how its object differs from JsonSerializer's (null: it doesn't). With
    /// kubectl's copy omitted, JsonSerializer's object is compared without it.
    /// </summary>
    static (bool Accepted, string? Mismatch) Compare(byte[] body, JsonTypeInfo info, MapEntryOmission[] omissions, KnownStrings? known = null)
    {
        var accepted = new TypeInfoReader(info, omissions, known).TryRead(body, out var value);
        object? read;
        try
        {
            read = JsonSerializer.Deserialize(body, info);
        }
        catch (Exception e)
        {
            return (accepted, accepted ? $"read here, but JsonSerializer refuses it ({e.GetType().Name}: {e.Message})" : null);
        }
        if (!accepted) return (false, null);
        var (actual, expected) = (Written(value, info), Written(read, info));
        if (omissions.Length > 0) (actual, expected) = (WithoutLastApplied(actual), WithoutLastApplied(expected));
        return (true, actual == expected ? null : $"read here as\n    {actual}\n  JsonSerializer reads\n    {expected}");
    }

    /// <summary>
    /// JSON written by <see cref="Written"/>, without kubectl's copy in any metadata's annotations. Copied token by token
    /// (what JsonSerializer writes may hold a name twice, which JsonNode refuses).
    /// </summary>
    static string WithoutLastApplied(string json)
    {
        if (json.StartsWith("cannot be written", StringComparison.Ordinal)) return json;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            var path = new List<string?>();
            string? name = null;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        name = reader.GetString();
                        if (name == Annotations.KubectlLastAppliedConfiguration && path is [.., "metadata", "annotations"])
                        {
                            reader.Read();
                            reader.Skip();
                            continue;
                        }
                        writer.WritePropertyName(name!);
                        continue;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        path.Add(name);
                        if (reader.TokenType == JsonTokenType.StartObject) writer.WriteStartObject();
                        else writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        if (reader.TokenType == JsonTokenType.EndObject) writer.WriteEndObject();
                        else writer.WriteEndArray();
                        break;
                    case JsonTokenType.String:
                        writer.WriteStringValue(reader.GetString());
                        break;
                    default:
                        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        break;
                }
                name = null;
            }
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The object written back as JSON; an object holding text that cannot be written (a lone surrogate) says so.</summary>
    static string Written(object? value, JsonTypeInfo info)
    {
        try
        {
            return JsonSerializer.Serialize(value, info);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return $"cannot be written: {e.GetType().Name}: {e.Message}";
        }
    }
}
