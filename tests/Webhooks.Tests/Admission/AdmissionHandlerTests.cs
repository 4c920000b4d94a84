using System.Text;
using System.Text.Json;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Validation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kaito.Webhooks.Tests.Admission;

public sealed class AdmissionHandlerTests
{
    static readonly AdmissionHandler Handler = new(new AdmissionSettings(), null, NullLogger<AdmissionHandler>.Instance);

    static AdmissionRequest Request(string json) => JsonSerializer.Deserialize<AdmissionRequest>(json)!;

    const string Workspace = """{"apiVersion":"kaito.sh/v1beta1","kind":"Workspace","metadata":{"name":"w"},"resource":{"instanceType":"Standard_NC6s_v3","labelSelector":{"matchLabels":{"a":"b"}}},"inference":{"preset":{"name":"phi-3-mini-4k-instruct"},"adapters":[{"source":{"name":"a","image":"r.io/a:1"}}]}}""";

    [Fact]
    public async Task Mutation_echoes_the_uid_and_returns_a_base64_json_patch()
    {
        var response = await Handler.MutateAsync(AdmissionKind.Workspace, Request($$"""
            {"uid":"u-1","kind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},"operation":"CREATE","object":{{Workspace}}}
            """), CancellationToken.None);

        Assert.Equal("u-1", response.Uid);
        Assert.True(response.Allowed);
        Assert.Equal("JSONPatch", response.PatchType);
        var patch = Encoding.UTF8.GetString(Convert.FromBase64String(response.Patch!));
        Assert.Equal("""[{"op":"add","path":"/inference/adapters/0/strength","value":"1.0"}]""", patch);
    }

    [Fact]
    public async Task Status_subresource_writes_are_allowed_without_running_rules()
    {
        var response = await Handler.ValidateAsync(AdmissionKind.Workspace, Request("""
            {"uid":"u-2","kind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},"operation":"UPDATE","subResource":"status","object":{"kind":"Workspace","metadata":{"name":"w"},"resource":"not even an object"}}
            """), CancellationToken.None);

        Assert.True(response.Allowed);
    }

    [Fact]
    public async Task Finalizer_removal_on_an_object_being_deleted_is_allowed_even_if_its_spec_is_invalid()
    {
        const string deleting = """{"apiVersion":"kaito.sh/v1beta1","kind":"Workspace","metadata":{"name":"w","deletionTimestamp":"2026-11-23T00:00:00Z","finalizers":[]},"resource":{"instanceType":"Standard_NC6s_v4"},"inference":{"preset":{"name":"nope"}}}""";
        var old = deleting.Replace("\"finalizers\":[]", "\"finalizers\":[\"workspace.finalizer.kaito.sh\"]", StringComparison.Ordinal);
        var request = Request($$"""
            {"uid":"u-9","kind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},"operation":"UPDATE","object":{{deleting}},"oldObject":{{old}}}
            """);

        Assert.True((await Handler.ValidateAsync(AdmissionKind.Workspace, request, CancellationToken.None)).Allowed);
        var live = Request($$"""
            {"uid":"u-10","kind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},"operation":"UPDATE","object":{{deleting.Replace("\"deletionTimestamp\":\"2026-11-23T00:00:00Z\",", "", StringComparison.Ordinal)}},"oldObject":{{old.Replace("\"deletionTimestamp\":\"2026-11-23T00:00:00Z\",", "", StringComparison.Ordinal)}}}
            """);
        Assert.False((await Handler.ValidateAsync(AdmissionKind.Workspace, live, CancellationToken.None)).Allowed);
    }

    [Theory]
    [InlineData("""{"uid":"u","kind":{"group":"apps","version":"v1","kind":"Deployment"},"operation":"CREATE","object":{}}""", "admits kaito.sh Workspace objects, not apps/Deployment")]
    [InlineData("""{"uid":"u","kind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},"operation":"CREATE"}""", "carries no Workspace object")]
    [InlineData("""{"uid":"u","kind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},"operation":"UPDATE","object":{}}""", "carries no previous Workspace object")]
    [InlineData("""{"kind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},"operation":"CREATE","object":{}}""", "has no uid")]
    public async Task Requests_that_cannot_be_evaluated_are_denied_with_400_and_a_reason(string json, string expected)
    {
        var response = await Handler.ValidateAsync(AdmissionKind.Workspace, Request(json), CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.Equal(400, response.Status!.Code);
        Assert.Contains(expected, response.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_json_type_is_a_422_naming_the_field()
    {
        var response = await Handler.ValidateAsync(AdmissionKind.Workspace, Request("""
            {"uid":"u-3","kind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},"operation":"CREATE","object":{"kind":"Workspace","metadata":{"name":"w"},"resource":{"count":"two"}}}
            """), CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.Equal(422, response.Status!.Code);
        Assert.Equal("resource.count", Assert.Single(response.Status.Details!.Causes).Field);
    }

    [Fact]
    public async Task Delete_is_allowed()
    {
        var response = await Handler.ValidateAsync(AdmissionKind.RAGEngine, Request("""
            {"uid":"u-4","kind":{"group":"kaito.sh","version":"v1beta1","kind":"RAGEngine"},"operation":"DELETE","oldObject":{}}
            """), CancellationToken.None);

        Assert.True(response.Allowed);
        Assert.Equal("u-4", response.Uid);
    }

    [Fact]
    public void Denial_carries_one_cause_per_error_with_kubernetes_reasons()
    {
        FieldError[] errors =
        [
            new(FieldErrorType.Required, "resource.instanceType", "set a GPU SKU"),
            new(FieldErrorType.NotSupported, "tuning.method", "supported values: \"lora\", \"qlora\"", "full"),
        ];

        var response = AdmissionResponses.Invalid("u", "kaito.sh", "Workspace", "w", errors);

        Assert.Equal(422, response.Status!.Code);
        Assert.Equal("Invalid", response.Status.Reason);
        Assert.Equal(["FieldValueRequired", "FieldValueNotSupported"], response.Status.Details!.Causes.Select(c => c.Reason));
        Assert.Equal("Required value: set a GPU SKU", response.Status.Details.Causes[0].Message);
        Assert.Equal("Unsupported value: \"full\": supported values: \"lora\", \"qlora\"", response.Status.Details.Causes[1].Message);
    }
}

public sealed class RuleGuardTests
{
    [Fact]
    public void Unexpected_exception_is_attributed_to_the_field_being_checked()
    {
        var error = Assert.Throws<Kaito.Webhooks.Admission.RuleFailedException>(() =>
            Kaito.Webhooks.Validation.RuleGuard.Run("inference.adapters", () => throw new InvalidOperationException("boom")));

        Assert.Equal("inference.adapters", error.Path);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public void Cancellation_is_not_turned_into_a_rule_failure() =>
        Assert.Throws<OperationCanceledException>(() =>
            Kaito.Webhooks.Validation.RuleGuard.Run("x", () => throw new OperationCanceledException()));
}
