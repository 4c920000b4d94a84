using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Kaito.WebhookBench;

public sealed record LoadResult(string Name, int Workers, int Requests, int Errors, double Seconds, double P50Ms, double P99Ms)
{
    public double Throughput => Requests / Seconds;
}

/// <summary>
/// Closed-loop load on one URL: N workers, each posting the same body back to back. The client (and its
/// pooled TLS connections) lives as long as the target, so warm-up and measurement share connections.
/// </summary>
public sealed class LoadTarget(string name, Uri url, byte[] body, X509Certificate2 ca, int workers) : IDisposable
{
    readonly HttpClient client = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = Math.Max(workers, 32),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, _) => TrustedBy(ca, certificate) },
    });

    /// <summary>One response body, to show that the endpoint admits the request rather than rejecting it.</summary>
    public async Task<string> SampleAsync()
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync(url, content);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    public async Task WarmUpAsync(TimeSpan length) => await RunAsync(length);

    readonly List<WorkerLog> measured = [];
    double measuredSeconds;

    /// <summary>One measured slice; slices of all targets are interleaved so that drift (JIT tiers, clock
    /// speed, other processes) falls on every target alike.</summary>
    public async Task MeasureSliceAsync(TimeSpan length)
    {
        measured.AddRange(await RunAsync(length));
        measuredSeconds += length.TotalSeconds;
    }

    public LoadResult Result()
    {
        var all = measured.SelectMany(l => l.Ticks).Order().ToArray();
        return new LoadResult(name, workers, all.Length, measured.Sum(l => l.Errors), measuredSeconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    async Task<WorkerLog[]> RunAsync(TimeSpan length)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        return await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkerAsync(stopAt))));
    }

    async Task<WorkerLog> WorkerAsync(long stopAt)
    {
        var log = new WorkerLog();
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var start = Stopwatch.GetTimestamp();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync(url, content);
            await response.Content.ReadAsByteArrayAsync();
            var end = Stopwatch.GetTimestamp();
            if (end >= stopAt) break;   // count only requests completed inside the window
            if (!response.IsSuccessStatusCode) log.Errors++;
            log.Ticks.Add(end - start);
        }
        return log;
    }

    static bool TrustedBy(X509Certificate2 ca, X509Certificate? certificate)
    {
        if (certificate is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var server = new X509Certificate2(certificate);
        return chain.Build(server);
    }

    static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;

    public void Dispose() => client.Dispose();

    sealed class WorkerLog
    {
        public List<long> Ticks { get; } = new(10_000);

        public int Errors { get; set; }
    }
}
