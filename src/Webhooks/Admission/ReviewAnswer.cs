using System.Text.Json;

namespace Kaito.Webhooks.Admission;

/// <summary>
/// The AdmissionReview a webhook answers with, as UTF-8 JSON. Most answers are a plain "allowed" (no warnings, no patch,
/// no status) for a uid the API server made (a UUID): those are three fixed pieces around the uid, byte for byte what
/// the serializer writes, without running it. Everything else is serialized.
/// </summary>
public static class ReviewAnswer
{
    static ReadOnlySpan<byte> AllowedPrefix => "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\""u8;
    static ReadOnlySpan<byte> AllowedSuffix => "\",\"allowed\":true}}"u8;

    public static byte[] Serialize(AdmissionResponse response)
    {
        if (response is { Allowed: true, Status: null, Warnings: null, PatchType: null, Patch: null } && IsPlain(response.Uid))
        {
            var uid = response.Uid;
            var bytes = new byte[AllowedPrefix.Length + uid.Length + AllowedSuffix.Length];
            AllowedPrefix.CopyTo(bytes);
            // Plain ASCII: one byte per char.
            for (var i = 0; i < uid.Length; i++) bytes[AllowedPrefix.Length + i] = (byte)uid[i];
            AllowedSuffix.CopyTo(bytes.AsSpan(AllowedPrefix.Length + uid.Length));
            return bytes;
        }
        return JsonSerializer.SerializeToUtf8Bytes(
            new AdmissionReview { ApiVersion = AdmissionReview.ApiVersionV1, Kind = "AdmissionReview", Response = response },
            WebhookJson.Default.AdmissionReview);
    }

    /// <summary>Letters, digits and '-' only: characters no JSON encoder escapes (a UUID is made of them).</summary>
    static bool IsPlain(string uid)
    {
        foreach (var c in uid)
            if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
        return true;
    }
}
