using System.Net;
using k8s.Autorest;
using Kaito.Reconcilers.Runtime;

namespace Kaito.Reconcilers.Tests.Runtime;

public sealed class StepFailureTests
{
    static HttpOperationException Refusal(HttpStatusCode code, string body) => new($"Operation returned an invalid status code '{code}'")
    {
        Response = new HttpResponseMessageWrapper(new HttpResponseMessage(code) { ReasonPhrase = code.ToString() }, body),
    };

    static string Status(int code, string reason, string message) =>
        $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}}""";

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "services \\\"w\\\" is forbidden: exceeded quota: q, requested: services=1, used: services=0, limited: services=0", "QuotaExceeded", false)]
    [InlineData(HttpStatusCode.Forbidden, "services is forbidden: User \\\"system:serviceaccount:kaito:op\\\" cannot create resource", "Forbidden", false)]
    [InlineData(HttpStatusCode.UnprocessableEntity, "Service \\\"w\\\" is invalid: spec.ports[0].port: Invalid value: 0", "Invalid", true)]
    [InlineData(HttpStatusCode.InternalServerError, "Internal error occurred: failed to allocate a serviceIP: range is full", "APIServerError", false)]
    [InlineData(HttpStatusCode.TooManyRequests, "too many requests", "TooManyRequests", false)]
    public async Task A_refused_step_names_its_condition_the_reason_and_the_servers_message(HttpStatusCode code, string message, string reason, bool terminal)
    {
        var failure = await Assert.ThrowsAsync<StepFailure>(() => StepFailure.Run<bool>("InferenceReady", "applying Service w",
            () => throw Refusal(code, Status((int)code, code.ToString(), message))));

        Assert.Equal(("InferenceReady", reason, terminal), (failure.Condition, failure.Reason, failure.Terminal));
        Assert.Equal("applying Service w: " + message.Replace("\\\"", "\"", StringComparison.Ordinal), failure.Detail);
    }

    [Fact]
    public async Task Conflicts_and_a_terminating_namespace_pass_through_for_the_reconcile_to_handle()
    {
        await Assert.ThrowsAsync<HttpOperationException>(() => StepFailure.Run<bool>("InferenceReady", "x", () => throw Refusal(HttpStatusCode.Conflict, "")));
        await Assert.ThrowsAsync<HttpOperationException>(() => StepFailure.Run<bool>("InferenceReady", "x",
            () => throw Refusal(HttpStatusCode.Forbidden, Status(403, "Forbidden", "unable to create new content in namespace ns because it is being terminated") + "NamespaceTerminating")));
    }

    [Fact]
    public async Task A_body_that_is_not_a_status_falls_back_to_the_status_line()
    {
        var failure = await Assert.ThrowsAsync<StepFailure>(() => StepFailure.Run<bool>("JobStarted", "creating the tuning Job", () => throw Refusal(HttpStatusCode.BadGateway, "<html>")));
        Assert.Equal("creating the tuning Job: 502 BadGateway", failure.Detail);
    }
}
