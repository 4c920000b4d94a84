using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kaito.Webhooks.Admission;

/// <summary>
/// Compile-time serializers for the AdmissionReview envelope and JSON Patch: no reflection on the hot path,
/// and nothing that Native AOT cannot compile.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AdmissionReview))]
[JsonSerializable(typeof(IReadOnlyList<JsonPatchOperation>))]
sealed partial class WebhookJson : JsonSerializerContext;
