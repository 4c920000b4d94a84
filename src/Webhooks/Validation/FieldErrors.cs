using System.Collections;

namespace Kaito.Webhooks.Validation;

/// <summary>Collects every field error of one object; validators never stop at the first.</summary>
public sealed class FieldErrors : IReadOnlyList<FieldError>
{
    readonly List<FieldError> errors = [];

    public int Count => errors.Count;

    public FieldError this[int index] => errors[index];

    public bool IsEmpty => errors.Count == 0;

    public void Add(FieldError error) => errors.Add(error);

    public void AddRange(IEnumerable<FieldError> more) => errors.AddRange(more);

    public void Required(string path, string detail = "") => Add(new(FieldErrorType.Required, path, detail));

    public void Invalid(string path, string? value, string detail) => Add(new(FieldErrorType.Invalid, path, detail, value));

    public void NotSupported(string path, string? value, IEnumerable<string> supported) =>
        Add(new(FieldErrorType.NotSupported, path, "supported values: " + string.Join(", ", supported.Select(s => $"\"{s}\"")), value));

    public void NotSupported(string path, string? value, string detail) => Add(new(FieldErrorType.NotSupported, path, detail, value));

    public void Forbidden(string path, string detail) => Add(new(FieldErrorType.Forbidden, path, detail));

    public void Duplicate(string path, string? value) => Add(new(FieldErrorType.Duplicate, path, "", value));

    public void TooMany(string path, string detail) => Add(new(FieldErrorType.TooMany, path, detail));

    /// <summary>Errors in a stable order: by path, then message, without exact duplicates.</summary>
    public IReadOnlyList<FieldError> Sorted() => errors.Count == 0 ? [] :
        [.. errors.Distinct().OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Message, StringComparer.Ordinal)];

    public IEnumerator<FieldError> GetEnumerator() => errors.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
