using System.Net;
using System.Net.Sockets;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>
/// When the real node cannot start, `make up` says which step failed, shows the log lines that explain it and how to
/// fall back. Here the kubelet's port is taken; the node is stopped and started again around it, so `make test` runs
/// it on its own (Category=Exclusive).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
[Trait("Category", "Exclusive")]
public sealed class NodeStartFailureTests(ControlPlaneFixture fixture) : IAsyncLifetime
{
    static string Script(string name) => RepositoryPaths.Combine("hack", "local-cluster", name);

    public async Task InitializeAsync()
    {
        await fixture.Plane.EnsureOperatorAsync();
        Assert.True(LocalOperator.InCluster, "this test needs the real node: run `make up` without KAITO_NODE=off");
    }

    public async Task DisposeAsync()
    {
        var up = await ProcessRunner.RunAsync("bash", [Script("node-up.sh")], timeout: TimeSpan.FromMinutes(3));
        Assert.True(up.Succeeded, up.ToString());
        var ready = await LocalOperator.RestartAsync();
        Assert.True(ready.Succeeded, ready.ToString());
    }

    [Fact]
    public async Task A_kubelet_that_cannot_start_is_named_with_its_log_and_the_fallback()
    {
        var down = await ProcessRunner.RunAsync("bash", [Script("node-down.sh")], timeout: TimeSpan.FromMinutes(3));
        Assert.True(down.Succeeded, down.ToString());

        // The kubelet's port on the node address, held by someone else.
        using (var squatter = new TcpListener(IPAddress.Parse("198.18.0.1"), 10250))
        {
            squatter.Start();
            var up = await ProcessRunner.RunAsync("bash", [Script("node-up.sh")], timeout: TimeSpan.FromMinutes(3));

            Assert.False(up.Succeeded, "node-up.sh succeeded with the kubelet's port taken");
            Assert.Contains("error: kubelet: exited during start", up.StdErr, StringComparison.Ordinal);
            Assert.Contains("address already in use", up.StdErr, StringComparison.Ordinal);   // the log line that explains it
            Assert.Contains("KAITO_NODE=off make up", up.StdErr, StringComparison.Ordinal);
        }
    }
}
