using System.Globalization;
using k8s;
using Kaito.GpuSimulator;

// Usage: kaito-gpu-simulator [--kubeconfig PATH]
//        kaito-gpu-simulator probe-reaction --namespace NS [--workspaces N] [--kubeconfig PATH]
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var kubeconfig = Option("--kubeconfig");
var config = kubeconfig is null ? KubernetesClientConfiguration.BuildConfigFromConfigFile() : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
using var client = new Kubernetes(config);
// Not disposed: the exit handlers may run after Main has returned.
var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();

if (args.FirstOrDefault() == "probe-reaction")
{
    var ns = Option("--namespace") ?? throw new ArgumentException("probe-reaction needs --namespace NS");
    var count = int.Parse(Option("--workspaces") ?? "50", CultureInfo.InvariantCulture);
    var latencies = await new ReactionProbe(client, Console.Error).MeasureAsync(ns, count, stop.Token);
    // One line for scripts: samples p50 p99 max, in milliseconds.
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"reaction-ms {latencies.Count} {ReactionProbe.Percentile(latencies, 50):F1} {ReactionProbe.Percentile(latencies, 99):F1} {latencies.Max():F1}"));
    return;
}

Console.WriteLine("kaito-gpu-simulator: NodeClaims become simulated GPU nodes; pods on them run");
await new GpuSimulator(client, Console.Out).RunAsync(stop.Token);
