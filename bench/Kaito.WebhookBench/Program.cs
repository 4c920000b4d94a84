using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Kaito.WebhookBench;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Certificates;

// Admission webhook throughput and latency over HTTPS against a bare Kestrel endpoint measured in the same run.
// Usage: dotnet run -c Release --project bench/Kaito.WebhookBench [-- --workers 32 --warmup 3 --duration 10 --rounds 10]

var workers = Arg("--workers", 32);
var warmUp = TimeSpan.FromSeconds(Arg("--warmup", 3));
var duration = TimeSpan.FromSeconds(Arg("--duration", 10));
var rounds = Math.Max(1, Arg("--rounds", 10));

var bundle = CertificateAuthority.Generate(["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(1));
using var certificate = bundle.ToServerCertificate();
using var ca = X509Certificate2.CreateFromPem(bundle.CaPem);
var (webhooks, webhooksAddress) = await BenchServers.StartWebhooksAsync(certificate);
var (bare, bareAddress) = await BenchServers.StartBareAsync(certificate);

var body = Payloads.WorkspaceCreateReview();
using var bareTarget = new LoadTarget("bare POST /bare (fixed response)", new Uri(bareAddress, "/bare"), body, ca, workers);
using var validateTarget = new LoadTarget($"POST {AdmissionKind.Workspace.ValidatePath}", new Uri(webhooksAddress, AdmissionKind.Workspace.ValidatePath), body, ca, workers);
using var mutateTarget = new LoadTarget($"POST {AdmissionKind.Workspace.MutatePath}", new Uri(webhooksAddress, AdmissionKind.Workspace.MutatePath), body, ca, workers);
// The same validate request one at a time: service latency without 32-deep queueing.
using var serialTarget = new LoadTarget($"POST {AdmissionKind.Workspace.ValidatePath}, 1 worker", new Uri(webhooksAddress, AdmissionKind.Workspace.ValidatePath), body, ca, 1);
LoadTarget[] targets = [bareTarget, validateTarget, mutateTarget, serialTarget];

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{workers} workers, {warmUp.TotalSeconds:0} s warm-up x 3 + {duration.TotalSeconds:0} s measured per endpoint in {rounds} interleaved rounds, one endpoint at a time; HTTPS (TLS 1.2/1.3) on 127.0.0.1; body: phi-3.5 Workspace CREATE AdmissionReview ({body.Length} bytes)"));
Console.WriteLine($"note: load generator and both servers run in one process and share this machine's {Environment.ProcessorCount} cores, so every figure includes the client's CPU cost;");
Console.WriteLine($"      with {workers} requests always in flight, latency is mostly queueing (mean ≈ {workers} / throughput).");
if (File.Exists("/proc/loadavg")) Console.WriteLine($"      load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");

Console.WriteLine($"      sample answers: validate {await validateTarget.SampleAsync()}; mutate {await mutateTarget.SampleAsync()}");

// Warm every path first (JIT tiers and PGO, TLS sessions, connection pools), round-robin so that the later
// tier-ups reach all of them; then measure in interleaved slices, alternating the order each round.
for (var i = 0; i < 3; i++)
    foreach (var target in targets) await target.WarmUpAsync(warmUp);
for (var round = 0; round < rounds; round++)
    foreach (var target in round % 2 == 0 ? targets : targets.Reverse())
        await target.MeasureSliceAsync(duration / rounds);
var results = targets.Select(t => t.Result()).ToList();
await webhooks.StopAsync();
await bare.StopAsync();
await webhooks.DisposeAsync();
await bare.DisposeAsync();

Console.WriteLine();
Console.WriteLine($"{"endpoint",-46} {"requests",9} {"req/s",9} {"p50 ms",8} {"p99 ms",8} {"errors",7}");
foreach (var r in results)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Name,-46} {r.Requests,9} {r.Throughput,9:0} {r.P50Ms,8:0.000} {r.P99Ms,8:0.000} {r.Errors,7}"));
Console.WriteLine();
var bareResult = results[0];
foreach (var r in results.Skip(1).Take(2))
{
    var ratio = r.Throughput / bareResult.Throughput;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Name}: throughput {ratio:P0} of bare (target ≥ 80 %: {Verdict(ratio >= 0.80)}); p99 {r.P99Ms:0.000} ms at {r.Workers} workers (target ≤ 2 ms: {Verdict(r.P99Ms <= 2.0)})"));
}
var serial = results[3];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{serial.Name}: p99 {serial.P99Ms:0.000} ms (target ≤ 2 ms: {Verdict(serial.P99Ms <= 2.0)})"));

static string Verdict(bool met) => met ? "MET" : "MISSED";

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
