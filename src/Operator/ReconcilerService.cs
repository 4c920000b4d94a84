using k8s;
using Kaito.Reconcilers.RAGEngines;
using Kaito.Reconcilers.Workspaces;
using Kaito.Webhooks.Validation;

namespace Kaito.Operator;

/// <summary>Runs the Workspace and RAGEngine controllers (informers, queue, workers) while this process leads.</summary>
public sealed partial class ReconcilerService(OperatorOptions options, IKubernetes client, ILoggerFactory loggers, ILogger<ReconcilerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RunReconcilers) return;
        var settings = new ReconcilerSettings(options.Admission.Provisioning == NodeProvisioning.GpuProvisioner, options.Admission.Cloud, options.Admission.FeatureGates.Vllm, options.RagImage);
        if (!options.LeaderElect)
        {
            await RunControllersAsync(settings, stoppingToken);
            return;
        }
        // One replica reconciles at a time: the controllers run only while this process holds the Lease;
        // losing it cancels the run, and a later win starts fresh informers and queues.
        var elector = new Kaito.Reconcilers.Runtime.LeaderElector(client,
            new Kaito.Reconcilers.Runtime.LeaderElectionOptions(options.Namespace, "kaito-operator-leader", $"{Environment.MachineName}-{Environment.ProcessId}"),
            loggers.CreateLogger<Kaito.Reconcilers.Runtime.LeaderElector>());
        await elector.RunAsync(leading => RunControllersAsync(settings, leading), stoppingToken);
    }

    async Task RunControllersAsync(ReconcilerSettings settings, CancellationToken leading)
    {
        var workspaces = new WorkspaceControllerHost(client, settings, loggers, options.Workers);
        var ragEngines = new RAGEngineControllerHost(client, settings, loggers, Math.Max(1, options.Workers / 2));
        LogStarting(logger, options.Workers);
        await Task.WhenAll(workspaces.RunAsync(leading), ragEngines.RunAsync(leading));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "workspace and ragengine controllers starting ({Workers} workspace workers)")]
    static partial void LogStarting(ILogger logger, int workers);
}
