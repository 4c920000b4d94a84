using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Kaito.Testing;
using Xunit.Abstractions;

namespace Kaito.E2E.Tests;

/// <summary>
/// An API error storm: the in-cluster operator is pointed at <see cref="ApiFaultProxy"/> (its in-cluster address
/// overridden, and its request budget cut to 2/s with bursts of 5 so that it binds), which for 40 s fails half its requests with 429s, 500s and connection resets, before or after the
/// API server saw them, while Workspaces are applied. The operator must keep to its request budget, say in the
/// Workspaces' status what failed, and afterwards converge with exactly one NodeClaim, Deployment and Service each.
/// It reconfigures the operator, so `make test` runs it on its own (Category=Exclusive).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
[Trait("Category", "Exclusive")]
public sealed class ApiErrorStormTests(ControlPlaneFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    const double Qps = 2;
    const int Burst = 5;
    static readonly TimeSpan Storm = TimeSpan.FromSeconds(40);
    static readonly string[] Names = ["storm-a", "storm-b", "storm-c"];

    ControlPlane Plane => fixture.Plane;
    ApiFaultProxy? proxy;
    bool patched;

    public async Task InitializeAsync()
    {
        await Plane.EnsureOperatorAsync();
        Assert.True(LocalOperator.InCluster, "this test needs the operator in the cluster: run `make up` without KAITO_NODE=off");
    }

    public async Task DisposeAsync()
    {
        if (patched)
        {
            // Back to the Deployment's previous pod template (the chart's), then to what `make up` installs.
            await LocalOperator.UndoPatchAsync();
        }
        if (proxy is not null) await proxy.DisposeAsync();
        var restored = await LocalOperator.RestartAsync();
        Assert.True(restored.Succeeded, restored.ToString());
    }

    [Fact]
    public async Task The_operator_keeps_its_request_budget_reports_the_failures_and_converges_without_duplicates()
    {
        var apiServer = ((k8s.Kubernetes)Plane.Client).BaseUri;
        proxy = await ApiFaultProxy.StartAsync(IPAddress.Parse(apiServer.Host), apiServer,
            RepositoryPaths.Combine(".local", "pki", "ca.crt"), RepositoryPaths.Combine(".local", "pki", "ca.key"));
        var patch = new JsonArray(
            new JsonObject { ["op"] = "add", ["path"] = "/spec/template/spec/containers/0/env", ["value"] = new JsonArray(
                new JsonObject { ["name"] = "KUBERNETES_SERVICE_HOST", ["value"] = proxy.Address.Host },
                new JsonObject { ["name"] = "KUBERNETES_SERVICE_PORT", ["value"] = proxy.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }) },
            new JsonObject { ["op"] = "add", ["path"] = "/spec/template/spec/containers/0/args/-", ["value"] = $"--api-qps={Qps}" },
            new JsonObject { ["op"] = "add", ["path"] = "/spec/template/spec/containers/0/args/-", ["value"] = $"--api-burst={Burst}" });
        await LocalOperator.PatchDeploymentAsync(patch);
        patched = true;
        Assert.True((await LocalOperator.WaitForAdmissionAsync()).Succeeded, "the webhooks did not answer after the operator moved behind the proxy");
        await Eventually.WaitAsync(async () => await LocalOperator.LeaderPodAsync() is not null
            && proxy.Requests.Any(r => r.Path.StartsWith("/apis/kaito.sh/", StringComparison.Ordinal)),
            TimeSpan.FromMinutes(2), "the operator to lead and read Workspaces through the proxy");

        await using var ns = await Plane.CreateNamespaceAsync("storm");
        var stormStart = DateTime.UtcNow;
        proxy.FaultRatio = 0.5;
        foreach (var name in Names)
            await Plane.KubectlOkAsync(["apply", "-n", ns.Name, "-f", "-"], WorkspaceManifests.Inference(name));

        // While it lasts, some Workspace's status names a failure the proxy injected (a status write gets through half the time).
        var reported = await Eventually.WaitAsync(async () =>
        {
            foreach (var name in Names)
            {
                var workspace = await Plane.GetJsonAsync("workspace", name, "-n", ns.Name);
                if (workspace["status"]?["conditions"]?.AsArray().FirstOrDefault(c => c?["message"]?.GetValue<string>().Contains(ApiFaultProxy.InjectedMarker, StringComparison.Ordinal) == true) is { } condition)
                    return $"{name}: {condition["type"]} {condition["reason"]}: {condition["message"]}";
            }
            return null;
        }, Storm, "a Workspace's status to name a failure injected during the storm");
        output.WriteLine($"during the storm: {reported}");
        var left = Storm - (DateTime.UtcNow - stormStart);
        if (left > TimeSpan.Zero) await Task.Delay(left);
        proxy.FaultRatio = 0;
        var stormEnd = DateTime.UtcNow;

        var clock = Stopwatch.StartNew();
        foreach (var name in Names)
            await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", "--timeout=300s", $"workspace/{name}");
        var converged = clock.Elapsed;

        foreach (var name in Names)
        {
            var claims = (await Plane.GetJsonAsync("nodeclaims", "-l", $"kaito.sh/workspace={name},kaito.sh/workspacenamespace={ns.Name}"))["items"]!.AsArray();
            Assert.True(claims.Count == 1, $"{name} has {claims.Count} NodeClaims");
            var deployments = (await Plane.GetJsonAsync("deployments", "-n", ns.Name, "-l", $"kaito.sh/workspace={name}"))["items"]!.AsArray();
            Assert.True(deployments.Count == 1, $"{name} has {deployments.Count} Deployments");
            var workspace = await Plane.GetJsonAsync("workspace", name, "-n", ns.Name);
            Assert.DoesNotContain(workspace["status"]!["conditions"]!.AsArray(), c => c!["message"]?.GetValue<string>().Contains(ApiFaultProxy.InjectedMarker, StringComparison.Ordinal) == true);
        }
        var services = (await Plane.GetJsonAsync("services", "-n", ns.Name))["items"]!.AsArray().Select(s => s!["metadata"]!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(Names.Order(StringComparer.Ordinal), services.Where(s => Names.Contains(s)).Order(StringComparer.Ordinal));

        var during = proxy.Requests.Where(r => r.At >= stormStart && r.At < stormEnd && !r.IsLease).ToList();
        var seconds = (stormEnd - stormStart).TotalSeconds;
        output.WriteLine($"storm of {seconds:0} s: {during.Count} operator requests (leases apart), {during.Count / seconds:0.0}/s; " +
            string.Join(", ", during.GroupBy(r => r.Fault ?? "passed").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
        output.WriteLine($"after the storm: all {Names.Length} Workspaces WorkspaceSucceeded in {converged.TotalSeconds:0.0} s; " +
            $"{proxy.Requests.Count(r => r.At >= stormEnd && !r.IsLease)} requests since");
        Assert.True(during.Count <= Qps * seconds + Burst,
            $"the operator sent {during.Count} requests in {seconds:0} s, more than --api-qps {Qps} with --api-burst {Burst} allow");
        Assert.Contains(during, r => r.Fault is not null);
    }
}
