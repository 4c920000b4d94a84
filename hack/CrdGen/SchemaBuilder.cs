using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;
using Kaito.Api.V1Beta1.Schema;

namespace Kaito.CrdGen;

/// <summary>Builds a Kubernetes structural OpenAPI v3 schema from C# wire types by reflection.</summary>
public static class SchemaBuilder
{
    public static V1JSONSchemaProps ForRoot(Type type)
    {
        var root = ForObject(type, isRoot: true);
        root.Properties["apiVersion"] = new V1JSONSchemaProps
        {
            Type = "string",
            Description = "Versioned schema of this object; the API server converts between versions it serves.",
        };
        root.Properties["kind"] = new V1JSONSchemaProps { Type = "string", Description = "The REST resource this object represents." };
        root.Properties["metadata"] = new V1JSONSchemaProps { Type = "object" };
        // Keep apiVersion, kind and metadata first, like every built-in type.
        var ordered = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal);
        foreach (var key in new[] { "apiVersion", "kind", "metadata" }) ordered[key] = root.Properties[key];
        foreach (var (key, value) in root.Properties) ordered.TryAdd(key, value);
        root.Properties = ordered;
        return root;
    }

    static V1JSONSchemaProps ForObject(Type type, bool isRoot = false)
    {
        var schema = new V1JSONSchemaProps { Type = "object", Properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal) };
        var required = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (name is null || (isRoot && name is "apiVersion" or "kind" or "metadata")) continue;
            schema.Properties[name] = ForProperty(property);
            if (property.GetCustomAttribute<CrdRequiredAttribute>() is not null) required.Add(name);
        }
        if (required.Count > 0) schema.Required = required;
        return schema;
    }

    static V1JSONSchemaProps ForProperty(PropertyInfo property)
    {
        var schema = property.GetCustomAttribute<CrdPreserveUnknownFieldsAttribute>() is not null
            ? new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true }
            : ForType(property.PropertyType);

        schema.Description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? schema.Description;
        if (property.GetCustomAttribute<CrdEnumAttribute>() is { } enumeration) schema.EnumProperty = [.. enumeration.Values.Cast<object>()];
        if (property.GetCustomAttribute<CrdDefaultAttribute>() is { } @default) schema.DefaultProperty = ParseLiteral(@default.Json);
        if (property.GetCustomAttribute<CrdMinimumAttribute>() is { } minimum) schema.Minimum = minimum.Minimum;
        return schema;
    }

    static V1JSONSchemaProps ForType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return new() { Type = "string" };
        if (type == typeof(int)) return new() { Type = "integer", Format = "int32" };
        if (type == typeof(long)) return new() { Type = "integer", Format = "int64" };
        if (type == typeof(bool)) return new() { Type = "boolean" };
        if (type == typeof(double)) return new() { Type = "number" };
        if (type == typeof(DateTime)) return new() { Type = "string", Format = "date-time" };
        if (type == typeof(JsonObject)) return new() { Type = "object", XKubernetesPreserveUnknownFields = true };
        if (type == typeof(ResourceQuantity)) return Quantity();
        if (type == typeof(V1LabelSelector)) return LabelSelector();
        if (type == typeof(V1Condition)) return Condition();

        if (DictionaryValueType(type) is { } valueType)
            return new() { Type = "object", AdditionalProperties = ForType(valueType) };
        if (ListItemType(type) is { } itemType)
            return new() { Type = "array", Items = ForType(itemType) };
        if (type.IsClass && type.Namespace?.StartsWith("Kaito.", StringComparison.Ordinal) == true)
        {
            var schema = ForObject(type);
            schema.Description = type.GetCustomAttribute<DescriptionAttribute>()?.Description;
            return schema;
        }
        throw new NotSupportedException($"no schema mapping for {type.FullName}; add one to {nameof(SchemaBuilder)}");
    }

    static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var d
        && (d == typeof(IDictionary<,>) || d == typeof(Dictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
        && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;

    static Type? ListItemType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var d
        && (d == typeof(IList<>) || d == typeof(List<>) || d == typeof(IReadOnlyList<>))
            ? type.GetGenericArguments()[0]
            : null;

    static object ParseLiteral(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Literal(document.RootElement, json);
    }

    static object Literal(JsonElement element, string json) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetInt64(),
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => Literal(p.Value, json), StringComparer.Ordinal),
        _ => throw new NotSupportedException($"unsupported default literal {json}"),
    };

    static V1JSONSchemaProps Strings() => new() { Type = "array", Items = new V1JSONSchemaProps { Type = "string" } };

    static V1JSONSchemaProps Quantity() => new()
    {
        AnyOf = [new V1JSONSchemaProps { Type = "integer" }, new V1JSONSchemaProps { Type = "string" }],
        Pattern = @"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$",
        XKubernetesIntOrString = true,
    };

    static V1JSONSchemaProps LabelSelector() => new()
    {
        Type = "object",
        XKubernetesMapType = "atomic",
        Properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal)
        {
            ["matchExpressions"] = new()
            {
                Type = "array",
                Description = "Label selector requirements; all must match.",
                Items = new V1JSONSchemaProps
                {
                    Type = "object",
                    Required = ["key", "operator"],
                    Properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal)
                    {
                        ["key"] = new() { Type = "string", Description = "The label key." },
                        ["operator"] = new() { Type = "string", Description = "In, NotIn, Exists or DoesNotExist." },
                        ["values"] = WithDescription(Strings(), "Values for In and NotIn; empty for Exists and DoesNotExist."),
                    },
                },
            },
            ["matchLabels"] = new()
            {
                Type = "object",
                Description = "Labels that must all be present with these values.",
                AdditionalProperties = new V1JSONSchemaProps { Type = "string" },
            },
        },
    };

    static V1JSONSchemaProps Condition() => new()
    {
        Type = "object",
        Required = ["lastTransitionTime", "message", "reason", "status", "type"],
        Properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal)
        {
            ["lastTransitionTime"] = new() { Type = "string", Format = "date-time", Description = "When the status last changed." },
            ["message"] = new() { Type = "string", MaxLength = 32768, Description = "Human-readable details." },
            ["observedGeneration"] = new() { Type = "integer", Format = "int64", Minimum = 0, Description = "The generation the condition was computed from." },
            ["reason"] = new()
            {
                Type = "string", MaxLength = 1024, MinLength = 1,
                Pattern = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
                Description = "Machine-readable reason in CamelCase.",
            },
            ["status"] = new() { Type = "string", EnumProperty = ["True", "False", "Unknown"], Description = "True, False or Unknown." },
            ["type"] = new()
            {
                Type = "string", MaxLength = 316,
                Pattern = @"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
                Description = "Condition type in CamelCase.",
            },
        },
    };

    static V1JSONSchemaProps WithDescription(V1JSONSchemaProps schema, string description)
    {
        schema.Description = description;
        return schema;
    }
}
