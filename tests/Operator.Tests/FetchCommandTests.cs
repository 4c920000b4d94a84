using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Kaito.Operator.Fetch;

namespace Kaito.Operator.Tests;

/// <summary>The tuning Job's downloader (<c>kaito-operator fetch</c>) against a real HTTP server on loopback.</summary>
public sealed class FetchCommandTests : IDisposable
{
    static readonly byte[] Payload = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7))];
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly string dir = Path.Combine(Path.GetTempPath(), "kaito-fetch-" + Guid.NewGuid().ToString("N"));
    readonly ConcurrentQueue<string> requests = new();
    int flaky;

    /// <summary>A plain HTTP/1.1 server on loopback that answers whatever Host a request names (names resolve here through the test's resolver).</summary>
    public FetchCommandTests()
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = Task.Run(ServeAsync);
    }

    int Port { get; }

    string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    async Task ServeAsync()
    {
        while (true)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    async Task AnswerAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, leaveOpen: true);
        var requestLine = await reader.ReadLineAsync() ?? "";
        while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { }
        var path = requestLine.Split(' ') is [_, var target, ..] ? target : "/";
        requests.Enqueue(path);
        var (status, headers, body) = path switch
        {
            "/data.bin" => (200, "", Payload),
            "/to-data" => (302, "Location: /data.bin\r\n", []),
            "/to-metadata" => (302, "Location: http://169.254.169.254/latest/meta-data/\r\n", []),
            "/to-metadata-name" => (302, "Location: http://metadata.google.internal/computeMetadata/v1/\r\n", []),
            "/to-file" => (302, "Location: file:///etc/passwd\r\n", []),
            "/loop" => (302, "Location: /loop\r\n", []),
            "/flaky" when Interlocked.Increment(ref flaky) <= 2 => (503, "", []),
            "/flaky" => (200, "", Payload),
            _ => (404, "", "not here"u8.ToArray()),
        };
        var head = $"HTTP/1.1 {status} {(status == 200 ? "OK" : status == 302 ? "Found" : status == 404 ? "Not Found" : "Service Unavailable")}\r\n" +
            $"{headers}Content-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
    }

    async Task<(int Exit, string Out, string Err)> Fetch(DownloadSettings? settings, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await FetchCommand.RunAsync(["--dir", dir, .. args], output, error, settings ?? Fast);
        return (exit, output.ToString(), error.ToString());
    }

    static readonly DownloadSettings Fast = new() { RetryDelay = TimeSpan.FromMilliseconds(1) };

    static DownloadSettings Resolving(Func<string, IPAddress[]> resolve, Action? called = null) => Fast with
    {
        Resolve = (host, _) => { called?.Invoke(); return Task.FromResult(resolve(host)); },
    };

    [Fact]
    public async Task An_allowed_network_is_fetched_completely_and_nothing_partial_is_left()
    {
        var (exit, output, error) = await Fetch(null, "--allow", "127.0.0.0/8", Url("/data.bin"), "train.parquet");

        Assert.True(exit == 0, error);
        Assert.Equal(Payload, await File.ReadAllBytesAsync(Path.Combine(dir, "train.parquet")));
        Assert.Equal(["train.parquet"], Directory.GetFiles(dir).Select(Path.GetFileName));
        Assert.Contains($"fetched {Payload.Length} bytes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loopback_address_is_refused_before_any_request()
    {
        var (exit, _, error) = await Fetch(null, Url("/data.bin"), "x");

        Assert.Equal(3, exit);
        Assert.Contains("address 127.0.0.1 is loopback, private, link-local or otherwise internal", error, StringComparison.Ordinal);
        Assert.Empty(requests);
        Assert.False(File.Exists(Path.Combine(dir, "x")));
    }

    [Fact]
    public async Task A_name_that_resolves_inside_is_refused_and_one_internal_address_among_public_ones_is_enough()
    {
        var (exit, _, error) = await Fetch(Resolving(_ => [IPAddress.Parse("10.1.2.3")]), $"http://data.example.com:{Port}/data.bin", "x");
        Assert.Equal(3, exit);
        Assert.Contains("data.example.com resolves to 10.1.2.3", error, StringComparison.Ordinal);

        (exit, _, error) = await Fetch(Resolving(_ => [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("::ffff:169.254.169.254")]),
            "--allow", "127.0.0.0/8", $"http://mixed.example.com:{Port}/data.bin", "x");
        Assert.Equal(3, exit);
        Assert.Contains("169.254.169.254", error, StringComparison.Ordinal);
        Assert.Empty(requests);
    }

    [Fact]
    public async Task A_name_is_resolved_once_per_connection_and_the_checked_address_is_the_one_connected()
    {
        var calls = 0;
        // A rebinding resolver: the checked answer first, an internal one afterwards. Only the first is ever used.
        var settings = Resolving(_ => calls == 1 ? [IPAddress.Loopback] : [IPAddress.Parse("10.9.9.9")], () => calls++);

        var (exit, _, error) = await Fetch(settings, "--allow", "127.0.0.0/8", $"http://data.example.com:{Port}/data.bin", "d");

        Assert.True(exit == 0, error);
        Assert.Equal(1, calls);
        Assert.Equal(["/data.bin"], requests);
    }

    [Theory]
    [InlineData("/to-metadata", "169.254.169.254")]
    [InlineData("/to-metadata-name", "metadata.google.internal")]
    [InlineData("/to-file", "scheme \"file\" is not allowed")]
    public async Task Every_redirect_target_is_checked_again(string path, string named)
    {
        var (exit, _, error) = await Fetch(null, "--allow", "127.0.0.0/8", Url(path), "x");

        Assert.Equal(3, exit);
        Assert.Contains("redirect target", error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Equal([path], requests);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task A_redirect_inside_the_allowed_server_is_followed()
    {
        var (exit, output, error) = await Fetch(null, "--allow", "127.0.0.0/8", Url("/to-data"), "d");

        Assert.True(exit == 0, error);
        Assert.Contains($"redirected to {Url("/data.bin")}", output, StringComparison.Ordinal);
        Assert.Equal(["/to-data", "/data.bin"], requests);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_client_errors_and_redirect_loops_are_not()
    {
        var (exit, output, error) = await Fetch(null, "--allow", "127.0.0.0/8", Url("/flaky"), "f");
        Assert.True(exit == 0, error);
        Assert.Equal(2, output.Split('\n').Count(l => l.Contains("retrying", StringComparison.Ordinal)));

        (exit, _, error) = await Fetch(null, "--allow", "127.0.0.0/8", Url("/missing"), "m");
        Assert.Equal(1, exit);
        Assert.Contains("HTTP 404", error, StringComparison.Ordinal);
        Assert.Single(requests, "/missing");

        (exit, _, error) = await Fetch(null, "--allow", "127.0.0.0/8", Url("/loop"), "l");
        Assert.Equal(1, exit);
        Assert.Contains("more than 10 redirects", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "http://a.example.com/x" }, "give URL FILE pairs")]
    [InlineData(new[] { "--allow", "10.0.0.0/33", "http://a.example.com/x", "x" }, "--allow 10.0.0.0/33: not a network")]
    [InlineData(new[] { "--bogus", "http://a.example.com/x", "x" }, "unknown or incomplete option --bogus")]
    [InlineData(new[] { "http://a.example.com/x", "../x" }, "give a plain file name")]
    public async Task Bad_arguments_exit_2_with_the_usage(string[] args, string message)
    {
        var (exit, _, error) = await Fetch(null, args);
        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("usage: kaito-operator fetch", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        listener.Stop();
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
