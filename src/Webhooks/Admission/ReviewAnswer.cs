using System.Text.Json;

namespace Kaito.Webhooks.Admission;

/// <summary>
/// The AdmissionReview a webhook answers with, as UTF-8 JSON. Most answers are a plain "allowed" (no warnings, no patch,
/// no status) for a uid the API server made (a UUID): those are the serializer's own answer for an empty uid with the uid
/// put in its place, made without running the serializer per request. Everything else is serialized.
/// </summary>
public static class ReviewAnswer
{
    // The serializer's plain allow, cut where the uid goes: the envelope's shape has one home, the serializer's metadata.
    static readonly byte[] AllowedTemplate = Serialized(AdmissionResponses.Allow(""));
    static readonly int UidAt = AllowedTemplate.AsSpan().IndexOf("\"uid\":\"\""u8) + "\"uid\":\"".Length;

    public static byte[] Serialize(AdmissionResponse response)
    {
        if (response is not { Allowed: true, Status: null, Warnings: null, PatchType: null, Patch: null } || !IsPlain(response.Uid))
            return Serialized(response);
        var uid = response.Uid;
        var bytes = new byte[AllowedTemplate.Length + uid.Length];
        AllowedTemplate.AsSpan(0, UidAt).CopyTo(bytes);
        // Plain ASCII: one byte per char.
        for (var i = 0; i < uid.Length; i++) bytes[UidAt + i] = (byte)uid[i];
        AllowedTemplate.AsSpan(UidAt).CopyTo(bytes.AsSpan(UidAt + uid.Length));
        return bytes;
    }

    static byte[] Serialized(AdmissionResponse response) => JsonSerializer.SerializeToUtf8Bytes(
        new AdmissionReview { ApiVersion = AdmissionReview.ApiVersionV1, Kind = "AdmissionReview", Response = response },
        WebhookJson.Default.AdmissionReview);

    /// <summary>Letters, digits and '-' only: characters no JSON encoder escapes (a UUID is made of them).</summary>
    static bool IsPlain(string uid)
    {
        foreach (var c in uid)
            if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
        return true;
    }
}
