namespace Kaito.Api.V1Beta1.Schema;

// Markers read by the CRD generator (hack/CrdGen). They describe the OpenAPI schema the
// API server enforces; they carry no behaviour at runtime.

/// <summary>The field must be present (OpenAPI <c>required</c> on the parent object).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CrdRequiredAttribute : Attribute;

/// <summary>Allowed string values.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CrdEnumAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>A default the API server applies; the value is a JSON literal (<c>1</c>, <c>"public"</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CrdDefaultAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class CrdMinimumAttribute(long minimum) : Attribute
{
    public long Minimum { get; } = minimum;
}

/// <summary>The field is stored as given, without a schema (x-kubernetes-preserve-unknown-fields).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CrdPreserveUnknownFieldsAttribute : Attribute;

/// <summary>Short names, categories and printer columns of a custom resource.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CrdNamesAttribute(string singular, string plural) : Attribute
{
    public string Singular { get; } = singular;
    public string Plural { get; } = plural;
    public string[] ShortNames { get; init; } = [];
    public string[] Categories { get; init; } = [];
    public bool ClusterScoped { get; init; }
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class CrdPrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public string JsonPath { get; } = jsonPath;
    public int Priority { get; init; }
    public string? Description { get; init; }
    /// <summary>When set, the column is shown only by these versions.</summary>
    public string[] OnlyVersions { get; init; } = [];
}

/// <summary>A served version of the resource. Exactly one is the storage version.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class CrdVersionAttribute(string name) : Attribute
{
    public string Name { get; } = name;
    public bool Storage { get; init; }
    public bool Deprecated { get; init; }
    public string? DeprecationWarning { get; init; }
}

/// <summary>The scale subresource: where the replicas wanted, the replicas there are and their selector live.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CrdScaleAttribute(string specReplicasPath, string statusReplicasPath, string labelSelectorPath) : Attribute
{
    public string SpecReplicasPath { get; } = specReplicasPath;
    public string StatusReplicasPath { get; } = statusReplicasPath;
    public string LabelSelectorPath { get; } = labelSelectorPath;
}
