namespace Kaito.Operator;

/// <summary>
/// On shutdown, before anything else stops: /readyz turns 503 and the webhooks keep answering for --shutdown-delay,
/// the time the Endpoints controller and the API server need to stop sending admission requests to a terminating pod.
/// Without it a rolling update fails the admissions that reach the old pod after it closed its port.
/// </summary>
public sealed class ShutdownDelayService(OperatorOptions options, OperatorReadiness readiness, ILogger<ShutdownDelayService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        readiness.ShuttingDown = true;
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
    }
}

static partial class ShutdownLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "shutting down: not ready, webhooks answering for {Seconds}s more")]
    public static partial void Draining(ILogger logger, double seconds);
}
