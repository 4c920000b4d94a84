using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Kaito.Webhooks.Admission;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Kaito.Webhooks.Tests.Fuzz;

/// <summary>
/// Property: whatever arrives, the webhook answers 200 (an AdmissionReview echoing the uid), 400 or 413,
/// never a 5xx, and nothing escapes to the server's unhandled-exception log.
/// </summary>
public sealed class MalformedAdmissionReviewTests(ITestOutputHelper output)
{
    // `make test` sends 12,000; `make test-faults` sends 100,000 (KAITO_FUZZ_COUNT), and KAITO_FUZZ_SEED replays a failing run.
    static readonly int Seed = EnvInt("KAITO_FUZZ_SEED", 20_251_117);
    static readonly int Count = EnvInt("KAITO_FUZZ_COUNT", 12_000);

    /// <summary>Runs of at least this many requests check that memory comes back once the pools trim (`make test-faults`).</summary>
    const int SettleFrom = 50_000;
    const long SettledBound = 64L * 1024 * 1024;

    static long LiveHeap()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    [Fact]
    public async Task Malformed_requests_get_200_400_or_413_and_never_a_server_error()
    {
        output.WriteLine($"seed {Seed} (replay with KAITO_FUZZ_SEED={Seed} KAITO_FUZZ_COUNT={Count})");
        var heapBefore = LiveHeap();
        var cases = new MalformedRequestGenerator(Seed).Generate(Count);
        await using var server = await WebhookTestServer.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var watch = Stopwatch.StartNew();
        var categories = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (fuzz, cancellationToken) =>
        {
            categories.AddOrUpdate(fuzz.Category, 1, (_, n) => n + 1);
            var (status, problem) = await SendAsync(client, fuzz, cancellationToken);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (problem is not null) failures.Enqueue($"{problem}\n    request: {fuzz}");
        });

        var sent = statuses.Values.Sum();
        output.WriteLine($"{sent} requests in {watch.Elapsed.TotalSeconds:0.0} s; status codes: " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        foreach (var (category, n) in categories.OrderBy(c => c.Key, StringComparer.Ordinal)) output.WriteLine($"  {category}: {n}");
        var heapAfter = LiveHeap();
        output.WriteLine($"live managed heap (full, compacting collection): {heapBefore / 1048576.0:0.0} MiB before, {heapAfter / 1048576.0:0.0} MiB after");
        // What is still alive right after the run is mostly pooled buffers (ArrayPool keeps large arrays per thread and
        // per core until they have gone unused for about a minute, then trims them on a full collection). A leak would
        // stay: the long run waits for the pools to trim and then holds the heap to the baseline plus a bound.
        long? settled = null;
        if (Count >= SettleFrom)
        {
            var waited = Stopwatch.StartNew();
            do
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
                settled = LiveHeap();
            }
            while (settled - heapBefore > SettledBound && waited.Elapsed < TimeSpan.FromMinutes(3));
            output.WriteLine($"live managed heap once the buffer pools trimmed ({waited.Elapsed.TotalSeconds:0} s idle): {settled / 1048576.0:0.0} MiB");
        }
        var logs = server.Logs.Entries;
        output.WriteLine($"server log entries ≥ Warning: {logs.Count} ({logs.Count(e => e.Category == typeof(AdmissionHandler).FullName)} from AdmissionHandler)");

        foreach (var group in logs.Where(e => e.Exception is not null).GroupBy(e => $"{e.Exception!.GetType().Name}: {e.Exception.Message}").Take(10))
            output.WriteLine($"  {group.Count()}× {group.Key}");

        Assert.True(sent >= Math.Min(Count, 10_000));
        if (settled is { } live)
            Assert.True(live - heapBefore <= SettledBound,
                $"the live heap stayed {(live - heapBefore) / 1048576.0:0.0} MiB above the baseline 3 minutes after {sent} requests: something keeps what requests allocated");
        Assert.True(failures.IsEmpty, $"{failures.Count} bad responses, first ones:\n{string.Join("\n", failures.Take(15))}");
        Assert.DoesNotContain(statuses.Keys, s => s >= 500);
        var escaped = logs.Where(e => e.Level == LogLevel.Critical || (e.Level >= LogLevel.Error && e.Category != typeof(AdmissionHandler).FullName)).ToList();
        Assert.True(escaped.Count == 0, $"server logged {escaped.Count} errors outside the handler, first: {escaped.FirstOrDefault()}");
    }

    static async Task<(int Status, string? Problem)> SendAsync(HttpClient client, FuzzCase fuzz, CancellationToken cancellationToken)
    {
        using var content = fuzz.Chunked ? new UnknownLengthContent(fuzz.Body) : (HttpContent)new ByteArrayContent(fuzz.Body);
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, fuzz.Path) { Content = content };
        // The server answers 413 from Content-Length alone and closes the connection; without 100-continue
        // the client may still be writing the body then and see a reset instead of the answer.
        if (!fuzz.Chunked && fuzz.Body.Length > WebhookEndpoints.MaxRequestBytes) request.Headers.ExpectContinue = true;
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return (0, $"transport failure: {e.Message}");
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge) return (status, null);
            if (response.StatusCode != HttpStatusCode.OK) return (status, $"status {status}");
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return (status, CheckReview(body, fuzz.Uid));
        }
    }

    static string? CheckReview(byte[] body, string? uid)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.GetProperty("apiVersion").GetString() != AdmissionReview.ApiVersionV1 || root.GetProperty("kind").GetString() != "AdmissionReview")
                return "200 without an AdmissionReview";
            var response = root.GetProperty("response");
            if (response.GetProperty("allowed").ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return "response.allowed is not a boolean";
            var echoed = response.GetProperty("uid").GetString();
            return uid is null || echoed == uid ? null : $"response.uid {echoed} != request uid {uid}";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"200 with a body that is not an AdmissionReview: {e.Message}";
        }
    }
}
