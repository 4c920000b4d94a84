using System.Diagnostics;
using System.Text.Json.Nodes;
using Kaito.Testing;
using Xunit.Abstractions;

namespace Kaito.E2E.Tests;

/// <summary>A step the API server refuses shows in the Workspace's status (and once in an Event) while it lasts.</summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
public sealed class ApiFailureStatusTests(ControlPlaneFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    ControlPlane Plane => fixture.Plane;

    public Task InitializeAsync() => fixture.Plane.EnsureOperatorAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_quota_that_forbids_services_shows_in_the_workspace_status_and_clears_when_lifted()
    {
        await using var ns = await Plane.CreateNamespaceAsync("quota");
        var quota = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], """
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: no-services}
            spec: {hard: {services: "0"}}
            """);
        Assert.True(quota.Succeeded, quota.ToString());
        // Until the quota controller has written the quota's status, the API server refuses with "status unknown for
        // quota" rather than "exceeded quota": wait for the status, so the refusal this test is about is the one seen.
        await Eventually.WaitAsync(async () =>
            (await Plane.GetJsonAsync("resourcequota", "no-services", "-n", ns.Name))["status"]?["hard"]?["services"]?.GetValue<string>() == "0",
            TimeSpan.FromSeconds(60), "the quota controller to write the ResourceQuota's status");
        var applied = Stopwatch.StartNew();
        var created = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], """
            apiVersion: kaito.sh/v1beta1
            kind: Workspace
            metadata: {name: quota-bound}
            resource: {instanceType: Standard_NC6s_v3, labelSelector: {matchLabels: {apps: quota-bound}}}
            inference: {preset: {name: phi-3-mini-4k-instruct}}
            """);
        Assert.True(created.Succeeded, created.ToString());

        var inference = await Eventually.WaitAsync(async () =>
        {
            var condition = KubectlJson.Condition(await Plane.GetJsonAsync("workspace", "quota-bound", "-n", ns.Name), "InferenceReady");
            return condition?["reason"]?.GetValue<string>() == "QuotaExceeded" ? condition : null;
        }, TimeSpan.FromSeconds(60), "InferenceReady to say QuotaExceeded");
        output.WriteLine($"QuotaExceeded in status {applied.Elapsed.TotalSeconds:0.0}s after apply: {inference["message"]}");
        Assert.Equal("False", inference["status"]!.GetValue<string>());
        Assert.Contains("applying the inference workload: services \"quota-bound\" is forbidden: exceeded quota: no-services", inference["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var succeeded = KubectlJson.Condition(await Plane.GetJsonAsync("workspace", "quota-bound", "-n", ns.Name), "WorkspaceSucceeded")!;
        Assert.Equal(("False", "QuotaExceeded"), (succeeded["status"]!.GetValue<string>(), succeeded["reason"]!.GetValue<string>()));

        // Retries go on with backoff, but the same failure is reported once: one Warning Event, not one per retry.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var events = (await Plane.GetJsonAsync("events", "-n", ns.Name, "--field-selector", "reason=QuotaExceeded,involvedObject.name=quota-bound"))["items"]!.AsArray();
        Assert.InRange(events.Count, 1, 2);
        Assert.Equal("Warning", events[0]!["type"]!.GetValue<string>());

        Assert.True((await Plane.KubectlAsync(["delete", "resourcequota", "no-services", "-n", ns.Name])).Succeeded);
        var ready = await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", "--timeout=180s", "workspace/quota-bound"]);
        Assert.True(ready.Succeeded, ready.ToString());
        Assert.Equal("True", KubectlJson.ConditionStatus(await Plane.GetJsonAsync("workspace", "quota-bound", "-n", ns.Name), "InferenceReady"));
    }
}
