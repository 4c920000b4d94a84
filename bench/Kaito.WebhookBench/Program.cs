using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Kaito.WebhookBench;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Certificates;
using Kaito.Webhooks.Validation;
using Microsoft.Extensions.Logging.Abstractions;

// Admission webhook throughput and latency over HTTPS against a bare Kestrel endpoint measured in the same run,
// with wrk (a separate process) as the load generator. hack/bench-webhooks.sh installs wrk and runs this.
// Usage: dotnet run -c Release --project bench/Kaito.WebhookBench [-- --workers 32 --warmup 3 --duration 20 --rounds 4 --stages --wrk-same-session]
// With --serve DIR it only serves (both endpoints, until SIGTERM), writing the URLs, the body and wrk's script to DIR:
// hack/bench-webhooks-ab.sh loads two builds served that way in alternating slices. With --handler-cost it only times the
// validate and mutate answers on one thread and prints them as one line (the same script's "handler" comparison). With
// --stages it also loads endpoints that do a validate review's work up to one stage (StageEndpoints) and prints what each
// stage adds to the server's CPU per request.

if (args.Contains("--handler-cost"))
{
    // The handler alone, on one thread (hack/bench-webhooks-ab.sh ... handler): no servers, no wrk.
    Console.WriteLine(await HandlerCost.MeasureAnswersAsync(
        new AdmissionHandler(new AdmissionSettings(), null, NullLogger<AdmissionHandler>.Instance), Payloads.WorkspaceCreateReview()));
    return 0;
}

var workers = Arg("--workers", 32);
var warmUpSeconds = Math.Max(1, Arg("--warmup", 3));
var rounds = Math.Max(1, Arg("--rounds", 4));
var sliceSeconds = Math.Max(1, Arg("--duration", 20) / rounds);
// wrk in a session (scheduling group) of its own unless asked otherwise (WrkTarget): the layout the benchmark had until 2026-12-05.
var ownSession = !args.Contains("--wrk-same-session");
var serveDirectory = Array.IndexOf(args, "--serve") is var serveAt and >= 0 && serveAt + 1 < args.Length ? args[serveAt + 1] : null;

if (serveDirectory is null && !OnPath("wrk"))
{
    Console.Error.WriteLine("error: wrk is not installed; run `make bench-webhooks` (it installs it) or `apt-get install wrk`");
    return 2;
}

var bundle = CertificateAuthority.Generate(["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(1));
using var certificate = bundle.ToServerCertificate();
using var ca = X509Certificate2.CreateFromPem(bundle.CaPem);
var (webhooks, webhooksAddress) = await BenchServers.StartWebhooksAsync(certificate);
var (bare, bareAddress) = await BenchServers.StartBareAsync(certificate);

var body = Payloads.WorkspaceCreateReview();
var workDirectory = Directory.CreateTempSubdirectory("kaito-webhook-bench-");
var bodyPath = Path.Combine(workDirectory.FullName, "review.json");
var scriptPath = Path.Combine(workDirectory.FullName, "post.lua");
File.WriteAllBytes(bodyPath, body);
File.WriteAllText(scriptPath, WrkTarget.Script(bodyPath));

var validateUrl = new Uri(webhooksAddress, AdmissionKind.Workspace.ValidatePath);
var mutateUrl = new Uri(webhooksAddress, AdmissionKind.Workspace.MutatePath);
if (serveDirectory is not null) return await ServeAsync(serveDirectory);
WrkTarget Target(string name, Uri url, int connections) => new(name, url, scriptPath, connections, ownSession);
WrkTarget[] targets =
[
    Target("bare POST /bare (fixed response)", new Uri(bareAddress, "/bare"), workers),
    Target($"POST {AdmissionKind.Workspace.ValidatePath}", validateUrl, workers),
    Target($"POST {AdmissionKind.Workspace.MutatePath}", mutateUrl, workers),
    // The same validate request one at a time: service latency without 32-deep queueing.
    Target($"POST {AdmissionKind.Workspace.ValidatePath}, 1 worker", validateUrl, 1),
];
WrkTarget[] stageTargets = args.Contains("--stages")
    ? [.. StageEndpoints.Stages.Select(stage => Target($"POST {stage.Path}", new Uri(bareAddress, stage.Path), workers))]
    : [];
WrkTarget[] loaded = [.. targets, .. stageTargets];

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"wrk, {workers} connections (1 worker: 1); warm-up {warmUpSeconds} s x 3 per endpoint, then {rounds} interleaved rounds of {sliceSeconds} s per endpoint; HTTPS (TLS 1.2/1.3) on 127.0.0.1"));
Console.WriteLine($"build: {(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "Native AOT")}");
Console.WriteLine($"body: phi-3.5 Workspace CREATE AdmissionReview as kubectl apply sends it ({body.Length} bytes)");
Console.WriteLine($"note: wrk ({(ownSession ? "its own session, scheduled apart from the servers as the API server is from a webhook's pod" : "--wrk-same-session: scheduled in the servers' group")}) and both servers share this machine's {Environment.ProcessorCount} cores; with {workers} requests always in flight, latency is mostly queueing (mean ≈ {workers} / throughput).");
if (File.Exists("/proc/loadavg")) Console.WriteLine($"      load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"      sample answers: validate {await SampleAsync(validateUrl)}; mutate {await SampleAsync(mutateUrl)}");
Console.WriteLine(await HandlerCost.MeasureAsync(new AdmissionHandler(new AdmissionSettings(), null, NullLogger<AdmissionHandler>.Instance), body));

// Warm every path first (JIT tiers and PGO, TLS session caches), round-robin so that the later tier-ups reach
// all of them; then measure in interleaved slices, alternating the order each round.
for (var i = 0; i < 3; i++)
    foreach (var target in loaded) await target.WarmUpAsync(warmUpSeconds);
for (var round = 0; round < rounds; round++)
{
    foreach (var target in round % 2 == 0 ? loaded : loaded.Reverse())
        await target.MeasureSliceAsync(sliceSeconds);
    Console.Error.Write($"\r      round {round + 1}/{rounds} measured");
}
Console.Error.WriteLine();
var results = targets.Select(t => t.Result()).ToList();
var stageResults = stageTargets.Select(t => t.Result()).ToList();
await webhooks.StopAsync();
await bare.StopAsync();
await webhooks.DisposeAsync();
await bare.DisposeAsync();
workDirectory.Delete(recursive: true);

Console.WriteLine();
Console.WriteLine($"{"endpoint",-46} {"requests",9} {"req/s",9} {"p50 ms",8} {"p99 ms",8} {"errors",7} {"server µs/req",14}");
foreach (var r in results.Concat(stageResults))
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Name,-46} {r.Requests,9} {r.Throughput,9:0} {r.P50Ms,8:0.000} {r.P99Ms,8:0.000} {r.Errors,7} {r.ServerMicrosPerRequest,14:0.0}"));
Console.WriteLine();
var bareResult = results[0];
// The targets: throughput ≥ 80 % of the bare endpoint's and p99 ≤ 1.5× its p99, both measured in this run (with 32
// requests always in flight, latency is mostly queueing, so only a ratio to the bare endpoint says anything).
foreach (var r in results.Skip(1).Take(2))
{
    var ratio = r.Throughput / bareResult.Throughput;
    var p99Ratio = r.P99Ms / bareResult.P99Ms;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Name}: throughput {ratio:P0} of bare (target ≥ 80 %: {Verdict(ratio >= 0.80)}); p99 {r.P99Ms:0.000} ms = {p99Ratio:0.00}× bare (target ≤ 1.5×: {Verdict(p99Ratio <= 1.5)})"));
}
if (stageResults.Count > 0) PrintStages(results[0], stageResults, results[1]);
var serial = results[^1];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{serial.Name}: {serial.Throughput:0} req/s, p99 {serial.P99Ms:0.000} ms (service time without queueing; reported)"));
var failed = results.Where(r => r.Errors > 0).Select(r => r.Name).ToList();
if (failed.Count > 0)
{
    Console.Error.WriteLine($"error: requests failed or were answered with a non-2xx status on: {string.Join("; ", failed)}");
    return 1;
}
return 0;

// The server's CPU per request, stage by stage from the bare endpoint to the real validate endpoint.
static void PrintStages(LoadResult bare, List<LoadResult> stages, LoadResult validate)
{
    Console.WriteLine();
    Console.WriteLine("stages of a validate review under load: server CPU per request, and what each adds to the one before");
    var previous = bare.ServerMicrosPerRequest;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"bare (ignores the body)",-66} {previous,6:0.0} µs"));
    for (var i = 0; i < stages.Count; i++)
    {
        var cost = stages[i].ServerMicrosPerRequest;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"+ " + StageEndpoints.Stages[i].Adds,-66} {cost,6:0.0} µs ({cost - previous:+0.0;-0.0})"));
        previous = cost;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {"the validate endpoint itself (its routing, its answer written)",-66} {validate.ServerMicrosPerRequest,6:0.0} µs ({validate.ServerMicrosPerRequest - previous:+0.0;-0.0})"));
}

// Serves until the host is told to stop (SIGTERM); the URLs file is written last, so that its presence means ready.
async Task<int> ServeAsync(string directory)
{
    Directory.CreateDirectory(directory);
    var review = Path.Combine(directory, "review.json");
    File.WriteAllBytes(review, body);
    File.WriteAllText(Path.Combine(directory, "post.lua"), WrkTarget.Script(review));
    File.WriteAllText(Path.Combine(directory, "urls"), $"bare {new Uri(bareAddress, "/bare")}\nvalidate {validateUrl}\nmutate {mutateUrl}\n"
        + string.Concat(StageEndpoints.Stages.Select(stage => $"{stage.Path.Split('/')[^1]} {new Uri(bareAddress, stage.Path)}\n")));
    Console.WriteLine($"serving until SIGTERM: {webhooksAddress} (webhooks), {bareAddress} (bare); URLs in {directory}/urls");
    var stopping = new TaskCompletionSource();
    using (webhooks.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        await stopping.Task;
    await webhooks.StopAsync();
    await bare.StopAsync();
    await webhooks.DisposeAsync();
    await bare.DisposeAsync();
    workDirectory.Delete(recursive: true);
    return 0;
}

// One response body, to show that the endpoint admits the request rather than rejecting it.
async Task<string> SampleAsync(Uri url)
{
    using var client = new HttpClient(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, presented, _, _) => TrustedBy(ca, presented) },
    });
    using var content = new ByteArrayContent(body);
    content.Headers.ContentType = new("application/json");
    using var response = await client.PostAsync(url, content);
    return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
}

static bool TrustedBy(X509Certificate2 ca, X509Certificate? presented)
{
    if (presented is null) return false;
    using var chain = new X509Chain();
    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
    chain.ChainPolicy.CustomTrustStore.Add(ca);
    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
    using var server = new X509Certificate2(presented);
    return chain.Build(server);
}

static bool OnPath(string program) =>
    (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(directory => File.Exists(Path.Combine(directory, program)));

static string Verdict(bool met) => met ? "MET" : "MISSED";

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
