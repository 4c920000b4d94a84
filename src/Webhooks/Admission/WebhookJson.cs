using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kaito.Webhooks.Admission;

/// <summary>
/// Compile-time serializers for the AdmissionReview envelope and JSON Patch: no reflection on the hot path,
/// and nothing that Native AOT cannot compile.
/// </summary>
// Property names exactly as the API server writes them (Web defaults would also accept "UID" or "Object"), the
// same reading as the one-pass typed path, which decodes with the Kubernetes client's case-sensitive options.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(AdmissionReview))]
[JsonSerializable(typeof(IReadOnlyList<JsonPatchOperation>))]
sealed partial class WebhookJson : JsonSerializerContext;
