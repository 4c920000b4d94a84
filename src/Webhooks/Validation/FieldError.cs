namespace Kaito.Webhooks.Validation;

/// <summary>Kubernetes field error kinds; each maps to a StatusCause reason kubectl understands.</summary>
public enum FieldErrorType
{
    Required,
    Invalid,
    NotSupported,
    Forbidden,
    Duplicate,
    TooMany,
}

/// <summary>
/// One problem with one field. <see cref="Path"/> is the JSON path users wrote
/// (<c>resource.instanceType</c>, <c>inference.adapters[0].source.name</c>,
/// <c>metadata.annotations[kaito.sh/runtime]</c>); <see cref="Detail"/> says what is wrong and how to fix it.
/// </summary>
public sealed record FieldError(FieldErrorType Type, string Path, string Detail, string? Value = null)
{
    /// <summary>The StatusCause reason (FieldValueRequired, FieldValueInvalid, ...).</summary>
    public string Reason => Type switch
    {
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Invalid => "FieldValueInvalid",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        FieldErrorType.TooMany => "FieldValueTooMany",
        _ => "FieldValueInvalid",
    };

    /// <summary>The cause message, worded like the API server's own validation.</summary>
    public string Message => Type switch
    {
        FieldErrorType.Required => Join("Required value", Detail),
        FieldErrorType.Invalid => Join($"Invalid value: {Quote(Value)}", Detail),
        FieldErrorType.NotSupported => Join($"Unsupported value: {Quote(Value)}", Detail),
        FieldErrorType.Forbidden => Join("Forbidden", Detail),
        FieldErrorType.Duplicate => Join($"Duplicate value: {Quote(Value)}", Detail),
        FieldErrorType.TooMany => Join("Too many", Detail),
        _ => Detail,
    };

    public override string ToString() => $"{Path}: {Message}";

    static string Join(string head, string detail) => string.IsNullOrEmpty(detail) ? head : $"{head}: {detail}";

    static string Quote(string? value) => value is null ? "null" : $"\"{value}\"";
}
