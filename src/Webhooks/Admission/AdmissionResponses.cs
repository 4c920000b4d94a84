using System.Text;
using System.Text.Json;
using Kaito.Webhooks.Validation;

namespace Kaito.Webhooks.Admission;

/// <summary>Builds the response half of an AdmissionReview.</summary>
public static class AdmissionResponses
{
    public static AdmissionResponse Allow(string uid, IReadOnlyList<string>? warnings = null) =>
        new() { Uid = uid, Allowed = true, Warnings = warnings is { Count: > 0 } ? warnings : null };

    public static AdmissionResponse Patch(string uid, IReadOnlyList<JsonPatchOperation> operations, IReadOnlyList<string> warnings)
    {
        var response = Allow(uid, warnings);
        if (operations.Count == 0) return response;
        response.PatchType = "JSONPatch";
        response.Patch = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(operations, WebhookJson.Default.IReadOnlyListJsonPatchOperation)));
        return response;
    }

    /// <summary>
    /// A 422 Invalid with one cause per field error: kubectl prints "The Workspace "x" is invalid:" and
    /// each "field: message", just like built-in validation.
    /// </summary>
    public static AdmissionResponse Invalid(string uid, string group, string kind, string? name, IReadOnlyList<FieldError> errors, IReadOnlyList<string>? warnings = null) =>
        new()
        {
            Uid = uid,
            Allowed = false,
            Warnings = warnings is { Count: > 0 } ? warnings : null,
            Status = new AdmissionStatus
            {
                Code = 422,
                Reason = "Invalid",
                Message = $"{kind} \"{name}\" is invalid: {string.Join("; ", errors.Select(e => e.ToString()))}",
                Details = new AdmissionStatusDetails
                {
                    Name = name, Group = group, Kind = kind,
                    Causes = [.. errors.Select(e => new AdmissionStatusCause { Reason = e.Reason, Message = e.Message, Field = e.Path })],
                },
            },
        };

    /// <summary>A request this webhook cannot evaluate (wrong kind, missing object): 400 BadRequest.</summary>
    public static AdmissionResponse BadRequest(string uid, string message) =>
        new() { Uid = uid, Allowed = false, Status = new AdmissionStatus { Code = 400, Reason = "BadRequest", Message = message } };
}
