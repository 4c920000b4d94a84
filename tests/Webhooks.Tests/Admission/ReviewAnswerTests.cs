using System.Text.Json;
using Kaito.Webhooks.Admission;

namespace Kaito.Webhooks.Tests.Admission;

public sealed class ReviewAnswerTests
{
    static byte[] Serialized(AdmissionResponse response) => JsonSerializer.SerializeToUtf8Bytes(
        new AdmissionReview { ApiVersion = AdmissionReview.ApiVersionV1, Kind = "AdmissionReview", Response = response },
        WebhookJson.Default.AdmissionReview);

    public static TheoryData<string> Uids =>
    [
        "0df28fbd-5f5f-11e8-a4b5-0a58ac1f0b06", "", "a", "UID-With-Capitals-0123456789",
        // Characters the serializer escapes or that are not one byte: the written answer must still be its own.
        "quote\"uid", "back\\slash", "<tag>&'", "ünïcode", "tab\tnew\nline", "emoji-😀", "slash/uid", "plus+uid",
    ];

    [Theory]
    [MemberData(nameof(Uids))]
    public void A_plain_allow_is_byte_for_byte_what_the_serializer_writes(string uid) =>
        Assert.Equal(Serialized(AdmissionResponses.Allow(uid)), ReviewAnswer.Serialize(AdmissionResponses.Allow(uid)));

    [Fact]
    public void Answers_with_warnings_a_patch_or_a_status_are_serialized()
    {
        AdmissionResponse[] responses =
        [
            AdmissionResponses.Allow("u1", ["a warning"]),
            AdmissionResponses.Patch("u2", [JsonPatchOperation.Add("/spec/x", 1)], []),
            AdmissionResponses.BadRequest("u3", "no object"),
            new AdmissionResponse { Uid = "u4", Allowed = false },
        ];
        foreach (var response in responses)
        {
            var written = ReviewAnswer.Serialize(response);
            Assert.Equal(Serialized(response), written);
            // And it is an AdmissionReview that reads back with the response's verdict.
            var read = JsonSerializer.Deserialize(written, WebhookJson.Default.AdmissionReview)!;
            Assert.Equal(response.Uid, read.Response!.Uid);
            Assert.Equal(response.Allowed, read.Response.Allowed);
        }
    }
}
