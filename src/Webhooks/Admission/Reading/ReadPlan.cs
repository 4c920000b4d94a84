using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Kaito.Webhooks.Admission.Reading;

/// <summary>How <see cref="TypeInfoReader"/> reads one type: by itself, or by handing the value to JsonSerializer.</summary>
enum ReadKind
{
    /// <summary>JsonSerializer reads it (custom converters, collections of objects, anything not listed here).</summary>
    Serializer,
    Object,
    String,
    Boolean,
    NullableBoolean,
    Int32,
    NullableInt32,
    Int64,
    NullableInt64,
    /// <summary>IList&lt;string&gt; or List&lt;string&gt;: JsonSerializer makes a List&lt;string&gt; for both.</summary>
    StringList,
    /// <summary>IDictionary&lt;string, string&gt; or Dictionary&lt;string, string&gt;: JsonSerializer makes a Dictionary for both.</summary>
    StringMap,
}

sealed class PlannedProperty(byte[] name, Action<object, object?> set)
{
    public byte[] Name { get; } = name;
    public Action<object, object?> Set { get; } = set;
    public ReadPlan Value { get; set; } = null!;

    /// <summary>Keys (UTF-8) of a string map left out of the object (<see cref="MapEntryOmission"/>); empty for most.</summary>
    public byte[][] OmittedKeys { get; set; } = [];
}

/// <summary>
/// An entry of a string map that no user of the object reads, so a <see cref="TypeInfoReader"/> need not decode it: the
/// entry <paramref name="Key"/> of the property whose JSON name is <paramref name="Property"/> on
/// <paramref name="DeclaringType"/>. Read here, it is left out of the map (its value is still checked to be a JSON string
/// or null, what JsonSerializer accepts there); read by JsonSerializer, when this reader declines, it stays in.
/// </summary>
public sealed record MapEntryOmission(Type DeclaringType, string Property, string Key);

/// <summary>
/// The reading of one type under one JsonSerializerOptions, derived from the same metadata JsonSerializer uses (the
/// generated contexts), so a property added to the API is read without anyone touching this code. A type is read here
/// only where the result is certainly JsonSerializer's: STJ's own object converter with a parameterless constructor
/// and no callbacks, polymorphism, required or extension-data properties, property converters or number handling;
/// everything else is handed to JsonSerializer whole.
/// </summary>
sealed class ReadPlan
{
    static readonly Assembly SerializerAssembly = typeof(JsonSerializer).Assembly;

    ReadPlan(ReadKind kind, JsonTypeInfo typeInfo)
    {
        Kind = kind;
        TypeInfo = typeInfo;
    }

    public ReadKind Kind { get; private set; }
    public JsonTypeInfo TypeInfo { get; }
    public Func<object>? Create { get; private set; }
    public PlannedProperty[] Properties { get; private set; } = [];

    /// <summary><see cref="Properties"/> by their names (the Kubernetes models declare them alphabetically; the API server writes them otherwise).</summary>
    Utf8Table<PlannedProperty> names = new([]);

    /// <summary>The property named <paramref name="name"/> (unescaped UTF-8), or null.</summary>
    public PlannedProperty? Find(ReadOnlySpan<byte> name) => names.Find(name);

    /// <summary>For <see cref="ReadKind.Serializer"/>: a JSON null is null without asking the converter (STJ's own Nullable&lt;T&gt;).</summary>
    public bool NullIsNull { get; private set; }

    /// <summary>
    /// The plan for <paramref name="root"/>, or null when its options ask for something this reader does not reproduce.
    /// Built anew on each call: whoever reads with it holds it (<see cref="TypeInfoReader"/>).
    /// </summary>
    /// <param name="omissions">Map entries to leave out; one whose property is not a string map read here is ignored.</param>
    public static ReadPlan? For(JsonTypeInfo root, IReadOnlyList<MapEntryOmission>? omissions = null)
    {
        var options = root.Options;
        if (options.PropertyNameCaseInsensitive || options.ReferenceHandler is not null || options.RespectNullableAnnotations
            || !options.AllowDuplicateProperties || options.UnmappedMemberHandling != JsonUnmappedMemberHandling.Skip
            || options.PreferredObjectCreationHandling != JsonObjectCreationHandling.Replace)
            return null;
        return new Builder(options, omissions ?? []).PlanOf(root.Type);
    }

    sealed class Builder(JsonSerializerOptions options, IReadOnlyList<MapEntryOmission> omissions)
    {
        readonly Dictionary<Type, ReadPlan> plans = [];
        readonly bool strictNumbers = options.NumberHandling == JsonNumberHandling.Strict;

        public ReadPlan PlanOf(Type type)
        {
            if (plans.TryGetValue(type, out var known)) return known;
            var info = options.GetTypeInfo(type);
            var plan = new ReadPlan(ReadKind.Serializer, info);
            // Registered before its properties are planned: a type that contains itself finds this one.
            plans[type] = plan;
            var ownConverter = info.Converter.GetType().Assembly == SerializerAssembly;
            plan.NullIsNull = ownConverter && Nullable.GetUnderlyingType(type) is not null;
            if (!ownConverter) return plan;
            plan.Kind = info.Kind switch
            {
                JsonTypeInfoKind.Object => PlanObject(plan, info),
                JsonTypeInfoKind.None => Primitive(type),
                JsonTypeInfoKind.Enumerable when type == typeof(IList<string>) || type == typeof(List<string>) => ReadKind.StringList,
                JsonTypeInfoKind.Dictionary when type == typeof(IDictionary<string, string>) || type == typeof(Dictionary<string, string>) => ReadKind.StringMap,
                _ => ReadKind.Serializer,
            };
            return plan;
        }

        ReadKind Primitive(Type type) => type switch
        {
            _ when type == typeof(string) => ReadKind.String,
            _ when type == typeof(bool) => ReadKind.Boolean,
            _ when type == typeof(bool?) => ReadKind.NullableBoolean,
            _ when !strictNumbers => ReadKind.Serializer,
            _ when type == typeof(int) => ReadKind.Int32,
            _ when type == typeof(int?) => ReadKind.NullableInt32,
            _ when type == typeof(long) => ReadKind.Int64,
            _ when type == typeof(long?) => ReadKind.NullableInt64,
            _ => ReadKind.Serializer,
        };

        ReadKind PlanObject(ReadPlan plan, JsonTypeInfo info)
        {
            if (info.Type.IsValueType || info.CreateObject is null || info.PolymorphismOptions is not null
                || info.OnDeserializing is not null || info.OnDeserialized is not null || info.NumberHandling is not null
                || info.UnmappedMemberHandling is not null || info.PreferredPropertyObjectCreationHandling is not null)
                return ReadKind.Serializer;
            var properties = new List<PlannedProperty>(info.Properties.Count);
            foreach (var property in info.Properties)
            {
                if (property.Set is not { } set || property.CustomConverter is not null || property.IsExtensionData || property.IsRequired
                    || property.NumberHandling is not null || property.ObjectCreationHandling is not null || IsIgnoredWhenReading(property))
                    return ReadKind.Serializer;
                properties.Add(new PlannedProperty(System.Text.Encoding.UTF8.GetBytes(property.Name), set));
            }
            plan.Create = info.CreateObject;
            plan.Properties = [.. properties];
            plan.names = new([.. properties.Select(p => (p.Name, p))]);
            // Planned after the object itself is complete, so that a cycle back to it sees its final kind.
            plan.Kind = ReadKind.Object;
            for (var i = 0; i < properties.Count; i++)
            {
                var value = properties[i].Value = PlanOf(info.Properties[i].PropertyType);
                if (value.Kind == ReadKind.StringMap) properties[i].OmittedKeys = OmittedKeys(info.Type, info.Properties[i].Name);
            }
            return ReadKind.Object;
        }

        byte[][] OmittedKeys(Type declaringType, string property) =>
        [
            .. omissions.Where(o => o.DeclaringType.IsAssignableFrom(declaringType) && o.Property == property)
                .Select(o => System.Text.Encoding.UTF8.GetBytes(o.Key)),
        ];

        static bool IsIgnoredWhenReading(JsonPropertyInfo property) =>
            property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
                .OfType<JsonIgnoreAttribute>().Any(a => a.Condition == JsonIgnoreCondition.Always) == true;
    }
}
