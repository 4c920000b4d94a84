namespace Kaito.Operator;

/// <summary>
/// On shutdown, before any service stops (the web server included, which stops first of all): /readyz turns 503 and
/// the webhooks keep answering for --shutdown-delay, the time the Endpoints controller and the API server need to
/// stop sending admission requests to a terminating pod. Leadership is handed over at the start, not after the drain. Without it a rolling update fails the admissions that reach
/// the old pod after it closed its port.
/// </summary>
public sealed class ShutdownDelayService(OperatorOptions options, OperatorReadiness readiness, LeadershipHandover handover, ILogger<ShutdownDelayService> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before every hosted service's StopAsync.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        readiness.ShuttingDown = true;
        await handover.BeginAsync();
        if (options.ShutdownDelay <= TimeSpan.Zero) return;
        ShutdownLog.Draining(logger, options.ShutdownDelay.TotalSeconds);
        try
        {
            await Task.Delay(options.ShutdownDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out first.
        }
        ShutdownLog.DrainOver(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

static partial class ShutdownLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "shutting down: not ready, webhooks answering for {Seconds}s more")]
    public static partial void Draining(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "drain over: stopping the web server")]
    public static partial void DrainOver(ILogger logger);
}
