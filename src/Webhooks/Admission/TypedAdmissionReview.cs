using System.Text.Json.Serialization;

namespace Kaito.Webhooks.Admission;

/// <summary>
/// An AdmissionReview whose objects decode straight into <typeparamref name="T"/> while the body is read: one
/// pass over the bytes, where <see cref="AdmissionReview"/> keeps the objects as JSON and decodes them again.
/// Both share their envelopes, so that a body one reading refuses the other refuses too.
/// </summary>
public sealed class TypedAdmissionReview<T> : AdmissionReviewEnvelope where T : class
{
    [JsonPropertyName("request")]
    public TypedAdmissionRequest<T>? Request { get; set; }
}

public sealed class TypedAdmissionRequest<T> : AdmissionRequestEnvelope where T : class
{
    [JsonPropertyName("object")]
    public T? Object { get; set; }

    [JsonPropertyName("oldObject")]
    public T? OldObject { get; set; }
}
