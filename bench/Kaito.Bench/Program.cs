using Kaito.Api.V1Beta1;
using System.Diagnostics;
using System.Globalization;
using Kaito.Cli;
using Kaito.Presets;

// Prints per-call costs of the capacity planner against a baseline measured in the same run
// (KAITO's bare node-count formula), and the CLI's answer time warm (in process) and cold (new process).
// Usage: dotnet run -c Release --project bench/Kaito.Bench

var models = ModelCatalog.Default.Models;
var skus = new[] { "Standard_NV36ads_A10_v5", "Standard_NC24ads_A100_v4", "Standard_ND96isr_H100_v5" }
    .Select(s => SkuCatalog.Default.Find("azure", s)!).ToArray();
var requests = models.SelectMany(m => skus.Select(s => new PlanRequest(m, s.Shape))).ToArray();
var azure = SkuCatalog.Default.For("azure");

var baseline = Measure("baseline: KAITO §4.4 node-count formula", 2_000_000, i =>
{
    var r = requests[i % requests.Length];
    var avail = r.Shape.PerGpuMemoryGiB * 0.84;
    var fixedGiB = 2.3 + 2048.0 * r.Model.KvBytesPerToken / PlannerConstants.GiB / r.Shape.GpuCount;
    var minGpus = (int)Math.Floor(r.Model.WeightsGiB * 1.02 / ((avail - fixedGiB) / 1.05)) + 1;
    return (minGpus + r.Shape.GpuCount - 1) / r.Shape.GpuCount;
});
var plan = Measure("CapacityPlanner.Plan (vllm, no suggestions)", 1_000_000, i => CapacityPlanner.Plan(requests[i % requests.Length]).Nodes);
var transformers = Measure("CapacityPlanner.Plan (transformers)", 1_000_000,
    i => CapacityPlanner.Plan(requests[i % requests.Length] with { Runtime = Runtimes.Transformers }).Nodes);
var suggest = Measure("CapacityPlanner.Plan + suggestions (does not fit)", 100_000,
    i => CapacityPlanner.Plan(requests[i % requests.Length] with { Runtime = Runtimes.Transformers }, azure).Suggestions.Count);
var warm = Measure("kubectl-kaito plan, warm, in process", 20_000, _ =>
    KaitoCli.Run(["plan", "--preset", "phi-3-mini-128k-instruct", "--instance-type", "Standard_NC6s_v3", "-o", "json"], TextWriter.Null, TextWriter.Null));

var apphost = Path.Combine(AppContext.BaseDirectory, "kubectl-kaito");
var cold = new List<double>();
for (var i = 0; i < 5; i++)
{
    var watch = Stopwatch.StartNew();
    using var process = Process.Start(new ProcessStartInfo(apphost, ["plan", "--preset", "phi-3-mini-128k-instruct", "--instance-type", "Standard_NC6s_v3"])
    { RedirectStandardOutput = true, RedirectStandardError = true })!;
    process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    cold.Add(watch.Elapsed.TotalMilliseconds);
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"planner per call: {plan:0.000} µs (target < 50 µs: {(plan < 50 ? "met" : "MISSED")}); {plan / baseline:0.0}× the bare KAITO formula ({baseline:0.000} µs)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"transformers plan: {transformers:0.000} µs; with suggestions over {azure.Count} SKUs: {suggest:0.000} µs"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CLI answer: warm {warm:0.0} µs in process; cold process start median {cold.Order().ElementAt(cold.Count / 2):0} ms (min {cold.Min():0} ms)"));

static double Measure(string name, int iterations, Func<int, int> body)
{
    var sink = 0;
    for (var i = 0; i < Math.Min(iterations, 10_000); i++) sink += body(i);   // warm-up and JIT
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < iterations; i++) sink += body(i);
    var perCall = watch.Elapsed.TotalMicroseconds / iterations;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-52} {perCall,10:0.000} µs/call  ({iterations} calls, checksum {sink})"));
    return perCall;
}
