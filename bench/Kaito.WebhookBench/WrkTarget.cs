using System.Diagnostics;
using System.Globalization;

namespace Kaito.WebhookBench;

public sealed record LoadResult(string Name, int Workers, long Requests, long Errors, double Seconds, double P50Ms, double P99Ms, double ServerCpuSeconds)
{
    public double Throughput => Requests / Seconds;

    /// <summary>CPU time of this process (both servers; wrk is another process) per request while the slices ran.</summary>
    public double ServerMicrosPerRequest => ServerCpuSeconds * 1e6 / Requests;
}

/// <summary>
/// Closed-loop load on one URL from wrk, a separate process: N connections (one request in flight on each),
/// the same body posted back to back. A Lua hook prints wrk's whole latency histogram after every slice, so
/// slices measured at different times merge into exact percentiles.
/// </summary>
/// <param name="ownSession">
/// wrk runs in a session of its own (setsid), so that the kernel schedules it as a group apart from the servers
/// (Linux autogroup), as the API server, in its own pod or service, is scheduled apart from the webhook's pod. As a
/// plain child it shares the servers' group, and the bare endpoint alone gains about 10 % from that (measured
/// 2026-12-05: bare 51.8k against 46.9k req/s, validate 39.3k against 39.5k).
/// </param>
public sealed class WrkTarget(string name, Uri url, string scriptPath, int workers, bool ownSession = true)
{
    const string SummaryTag = "kaito-bench-summary";
    const string LatencyTag = "kaito-bench-latency";

    readonly SortedDictionary<long, long> latencyCounts = [];
    long requests, errors;
    double seconds, serverCpuSeconds;

    /// <summary>The script wrk runs: POST the body file with a JSON content type; report the histogram when done.</summary>
    public static string Script(string bodyPath) => $$"""
        local file = assert(io.open("{{bodyPath}}", "rb"))
        wrk.method = "POST"
        wrk.body = file:read("*a")
        file:close()
        wrk.headers["Content-Type"] = "application/json"

        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("{{SummaryTag}} %d %d %d\n", summary.requests, summary.duration,
            e.connect + e.read + e.write + e.timeout + e.status))
          for i = 1, #latency do
            local value, count = latency(i)
            io.write(string.format("{{LatencyTag}} %d %d\n", value, count))
          end
        end
        """;

    public Task WarmUpAsync(int seconds) => RunAsync(seconds, record: false);

    /// <summary>One measured slice; slices of all targets are interleaved so that drift falls on all alike.</summary>
    public Task MeasureSliceAsync(int seconds) => RunAsync(seconds, record: true);

    public LoadResult Result() =>
        new(name, workers, requests, errors, seconds, Percentile(0.50), Percentile(0.99), serverCpuSeconds);

    async Task RunAsync(int sliceSeconds, bool record)
    {
        string[] wrk = ["wrk", "-t1", $"-c{workers}", $"-d{sliceSeconds}s", "--timeout", "5s", "-s", scriptPath, url.ToString()];
        // --wait: should setsid fork (it does when it leads a process group), it still exits with wrk.
        string[] command = ownSession ? ["setsid", "--wait", .. wrk] : wrk;
        var start = new ProcessStartInfo(command[0], command[1..]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        if (record) serverCpuSeconds += cpu;
        var output = await stdout;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"wrk exited with {process.ExitCode} on {url}: {await stderr}{output}");
        var sawSummary = false;
        foreach (var line in output.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != (fields.FirstOrDefault() == SummaryTag ? 4 : 3)) continue;
            if (fields[0] == SummaryTag)
            {
                sawSummary = true;
                if (!record) continue;
                requests += Parse(fields[1]);
                seconds += Parse(fields[2]) / 1e6;
                errors += Parse(fields[3]);
            }
            else if (fields[0] == LatencyTag && record)
            {
                var micros = Parse(fields[1]);
                latencyCounts[micros] = latencyCounts.GetValueOrDefault(micros) + Parse(fields[2]);
            }
        }
        if (!sawSummary) throw new InvalidOperationException($"wrk printed no summary for {url}; its output:\n{output}");
    }

    double Percentile(double p)
    {
        var total = latencyCounts.Values.Sum();
        if (total == 0) return double.NaN;
        var rank = (long)Math.Ceiling(p * total);
        long seen = 0;
        foreach (var (micros, count) in latencyCounts)
        {
            seen += count;
            if (seen >= rank) return micros / 1000.0;
        }
        return latencyCounts.Keys.Last() / 1000.0;
    }

    static long Parse(string text) => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
