using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kaito.Testing;
using Xunit.Abstractions;

namespace Kaito.E2E.Tests;

/// <summary>
/// The API server killed (SIGKILL) and started again with the same command line, at once and after 30 s down, and etcd
/// killed and restarted, while the operator keeps running: every informer watches again, Workspaces applied right after
/// the control plane is back (while the operator is still reconnecting) and later both converge, and the operator's
/// request rate falls back to idle. The control plane is down for part of it, so `make test` runs it on its own
/// (Category=Exclusive).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
[Trait("Category", "Exclusive")]
public sealed partial class ControlPlaneRestartTests(ControlPlaneFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    static int Informers => LocalOperator.WorkspaceOperatorInformers;

    /// <summary>The Workspace operator's health port, found while the API server answers (the pod IP in the cluster).</summary>
    Uri health = null!;

    ControlPlane Plane => fixture.Plane;

    public Task InitializeAsync() => fixture.Plane.EnsureOperatorAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public Task Api_server_killed_and_restarted_at_once() => RestartAndConvergeAsync("kube-apiserver", downSeconds: 0);

    [Fact]
    public Task Api_server_killed_and_down_for_30_seconds() => RestartAndConvergeAsync("kube-apiserver", downSeconds: 30);

    [Fact]
    public Task Etcd_killed_and_restarted() => RestartAndConvergeAsync("etcd", downSeconds: 5);

    async Task RestartAndConvergeAsync(string component, int downSeconds)
    {
        await using var ns = await Plane.CreateNamespaceAsync("apirestart");
        health = await LocalOperator.HealthAddressAsync();
        var operatorIdentity = await LocalOperator.IdentityAsync();
        await Eventually.WaitAsync(async () => Watching(await ScrapeAsync()) == Informers, TimeSpan.FromSeconds(60), "every informer watching before the restart");

        // A resourceVersion from before the restart, with a write after it: the restarted server's watch cache starts later.
        var staleVersion = JsonNode.Parse((await Plane.KubectlAsync(["get", "--raw", "/api/v1/namespaces/" + ns.Name + "/configmaps"])).StdOut)!["metadata"]!["resourceVersion"]!.GetValue<string>();
        Assert.True((await Plane.KubectlAsync(["create", "configmap", "written-before-the-restart", "-n", ns.Name])).Succeeded);
        using var polling = new CancellationTokenSource();
        var readiness = PollReadinessAsync(polling.Token);
        var restart = await ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", "restart.sh"), component, "--down", downSeconds.ToString(CultureInfo.InvariantCulture)],
            timeout: TimeSpan.FromMinutes(3));
        Assert.True(restart.Succeeded, restart.ToString());
        var readyAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(restart.StdOut.Trim().Split('\n')[^1], CultureInfo.InvariantCulture));
        // What every informer meets first: HTTP 200 and one ERROR event with 410 Expired (the client for .NET hands it only to
        // an error callback; the informer used to miss it and resume in a hot loop).
        if (component == "kube-apiserver")
        {
            var stale = await Plane.KubectlAsync(["get", "--raw", $"/api/v1/namespaces/{ns.Name}/configmaps?watch=1&resourceVersion={staleVersion}&timeoutSeconds=5"]);
            Assert.Contains("\"type\":\"ERROR\"", stale.StdOut, StringComparison.Ordinal);
            Assert.Contains("\"code\":410", stale.StdOut, StringComparison.Ordinal);
        }
        var before = Requests(await ScrapeAsync());

        // Applied as soon as the server answers, before the operator has necessarily found its watches again.
        await Eventually.WaitAsync(async () => (await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], WorkspaceManifests.Inference("during-outage"))).Succeeded,
            TimeSpan.FromSeconds(60), "the first Workspace to be admitted after the restart");

        await Eventually.WaitAsync(async () => Watching(await ScrapeAsync()) == Informers, TimeSpan.FromSeconds(90), "every informer watching again");
        var resumed = DateTimeOffset.UtcNow - readyAt;
        await polling.CancelAsync();
        // The health port answered throughout (a 30 s outage also costs the Lease: the controllers stop, their informers
        // with them, and start afresh once the Lease is won again), and says ready once the informers watch again.
        Assert.DoesNotContain(await readiness, r => r.StartsWith("unreachable", StringComparison.Ordinal));
        Assert.Equal("ok", await ReadyzAsync());

        var applied = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], WorkspaceManifests.Inference("after-restart"));
        Assert.True(applied.Succeeded, applied.ToString());
        var converged = await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", "--timeout=180s", "workspace/during-outage", "workspace/after-restart"]);
        Assert.True(converged.Succeeded, converged.ToString());

        // Idle again: a 5-second window with no writes and a handful of reads (Lease and webhook configuration checks).
        (double Reads, double Writes) window = default;
        await Eventually.WaitAsync(async () =>
        {
            var start = Requests(await ScrapeAsync());
            await Task.Delay(TimeSpan.FromSeconds(5));
            var end = Requests(await ScrapeAsync());
            window = (end.Reads - start.Reads, end.Writes - start.Writes);
            return window.Writes == 0 && window.Reads <= 20;
        }, TimeSpan.FromSeconds(120), "the operator to be idle (0 writes, at most 20 reads in 5 s)");
        var after = Requests(await ScrapeAsync());

        // Never restarted: the same process, or the same pods with no container restarts (the kubelet's liveness probe
        // kept passing through the outage).
        Assert.Equal(operatorIdentity, await LocalOperator.IdentityAsync());
        if (!LocalOperator.InCluster)
        {
            using var process = Process.GetProcessById(int.Parse(operatorIdentity, CultureInfo.InvariantCulture));
            Assert.False(process.HasExited);
        }
        output.WriteLine($"{component} down {downSeconds}s: every informer watching {resumed.TotalSeconds:0.0}s after it was ready; "
            + $"{after.Reads - before.Reads} reads and {after.Writes - before.Writes} writes from then until idle; idle window: {window.Reads} reads, {window.Writes} writes in 5 s");
    }

    /// <summary>The bodies of every non-ready /readyz answer until cancelled.</summary>
    async Task<List<string>> PollReadinessAsync(CancellationToken cancellationToken)
    {
        var seen = new List<string>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var body = await ReadyzAsync();
            if (body != "ok") seen.Add(body);
            await Task.Delay(500, CancellationToken.None);
        }
        return seen;
    }

    async Task<string> ReadyzAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(health, "/readyz"));
            var body = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode ? body : $"{(int)response.StatusCode} {body}";
        }
        catch (HttpRequestException e)
        {
            return $"unreachable: {e.Message}";
        }
    }

    async Task<string> ScrapeAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetStringAsync(new Uri(health, "/metrics"));
    }

    static int Watching(string metrics) => WatchingSeries().Matches(metrics).Count(m => m.Groups[1].Value == "1");

    static (double Reads, double Writes) Requests(string metrics) => (Counter(metrics, "read"), Counter(metrics, "write"));

    static double Counter(string metrics, string verb)
    {
        var match = Regex.Match(metrics, $"^kaito_api_requests_total\\{{verb=\"{verb}\"\\}} ([0-9.eE+]+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"kaito_api_requests_total{{verb=\"{verb}\"}} not in /metrics");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^kaito_informer_watching\\{[^}]*\\} ([01])$", RegexOptions.Multiline)]
    private static partial Regex WatchingSeries();
}
