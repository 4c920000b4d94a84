using k8s;
using Kaito.Reconcilers.InferenceSets;
using Kaito.Reconcilers.RAGEngines;
using Kaito.Reconcilers.Workspaces;
using Kaito.Webhooks.Validation;
using Kaito.Presets;
using Kaito.Reconcilers.Shared;

namespace Kaito.Operator;

/// <summary>Runs the Workspace, RAGEngine and InferenceSet controllers (informers, queue, workers) while this process leads.</summary>
public sealed partial class ReconcilerService(OperatorOptions options, IKubernetes client, LeadershipHandover handover, ILoggerFactory loggers,
    ILogger<ReconcilerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken hostStopping)
    {
        if (!options.RunReconcilers) return;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, handover.Token);
        var stoppingToken = stopping.Token;
        var settings = new ReconcilerSettings(options.Admission.Provisioning, options.Admission.Cloud, options.Admission.FeatureGates.Vllm, options.RagImage,
            options.InferenceSetScaleDownCooldown, options.PresetRegistry, options.KedaScalerAddress, options.TuningImages, options.Admission.Hub);
        if (!options.LeaderElect)
        {
            await RunControllersAsync(settings, stoppingToken);
            return;
        }
        // One replica reconciles at a time: the controllers run only while this process holds the Lease;
        // losing it cancels the run, and a later win starts fresh informers and queues.
        var elector = new Kaito.Reconcilers.Runtime.LeaderElector(client,
            new Kaito.Reconcilers.Runtime.LeaderElectionOptions(options.Namespace, options.LeaderElectionId, $"{Environment.MachineName}-{Environment.ProcessId}"),
            loggers.CreateLogger<Kaito.Reconcilers.Runtime.LeaderElector>());
        await elector.RunAsync(leading => RunControllersAsync(settings, leading), stoppingToken);
    }

    async Task RunControllersAsync(ReconcilerSettings settings, CancellationToken leading)
    {
        var running = new List<Task>();
        if (options.WorkspaceController) running.Add(new WorkspaceControllerHost(client, settings, loggers, options.Workers).RunAsync(leading));
        if (options.RAGEngineController) running.Add(new RAGEngineControllerHost(client, settings, loggers, options.WorkspaceController ? Math.Max(1, options.Workers / 2) : options.Workers).RunAsync(leading));
        if (options.InferenceSetController) running.Add(new InferenceSetControllerHost(client, settings, loggers, Math.Max(1, options.Workers / 2)).RunAsync(leading));
        LogStarting(logger, options.WorkspaceController, options.RAGEngineController, options.InferenceSetController, options.Workers);
        await Task.WhenAll(running);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "controllers starting: workspace={Workspace} ragengine={RAGEngine} inferenceset={InferenceSet} ({Workers} workers)")]
    static partial void LogStarting(ILogger logger, bool workspace, bool ragEngine, bool inferenceSet, int workers);
}
