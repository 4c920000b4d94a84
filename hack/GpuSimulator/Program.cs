using k8s;
using Kaito.GpuSimulator;

// Usage: kaito-gpu-simulator --kubeconfig PATH
var kubeconfig = args.SkipWhile(a => a != "--kubeconfig").Skip(1).FirstOrDefault();
var config = kubeconfig is null ? KubernetesClientConfiguration.BuildConfigFromConfigFile() : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
using var client = new Kubernetes(config);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
Console.WriteLine("kaito-gpu-simulator: NodeClaims become simulated GPU nodes; pods on them run");
await new GpuSimulator(client, Console.Out).RunAsync(stop.Token);
