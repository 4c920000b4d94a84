using Kaito.Operator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kaito.Operator.Tests;

public sealed class ShutdownDelayServiceTests
{
    static OperatorOptions Options(params string[] args) =>
        OperatorOptions.From(new ConfigurationBuilder().AddCommandLine(args).Build());

    [Fact]
    public async Task Stopping_turns_readiness_off_before_the_webhooks_stop()
    {
        var readiness = new OperatorReadiness { WebhooksReady = true };
        using var handover = new LeadershipHandover();
        var service = new ShutdownDelayService(Options("--shutdown-delay", "0s"), readiness, handover, NullLogger<ShutdownDelayService>.Instance);

        await service.StoppingAsync(CancellationToken.None);

        Assert.True(readiness.ShuttingDown);
    }

    [Fact]
    public async Task Leadership_is_handed_over_when_the_drain_begins_not_when_it_ends()
    {
        using var handover = new LeadershipHandover();
        var service = new ShutdownDelayService(Options("--shutdown-delay", "60s"), new OperatorReadiness(), handover, NullLogger<ShutdownDelayService>.Instance);
        using var hostGivesUp = new CancellationTokenSource();

        var draining = service.StoppingAsync(hostGivesUp.Token);
        var handedOver = handover.Token.IsCancellationRequested;
        var stillDraining = !draining.IsCompleted;
        await hostGivesUp.CancelAsync();
        await draining;

        Assert.True(stillDraining, "the drain ended at once: the test no longer shows the order");
        Assert.True(handedOver, "the controllers were still leading while the webhooks drained");
    }

    [Fact]
    public async Task The_delay_ends_early_when_the_host_gives_up()
    {
        var readiness = new OperatorReadiness();
        using var handover = new LeadershipHandover();
        var service = new ShutdownDelayService(Options("--shutdown-delay", "60s"), readiness, handover, NullLogger<ShutdownDelayService>.Instance);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await service.StoppingAsync(cancelled.Token);   // returns instead of waiting a minute or throwing

        Assert.True(readiness.ShuttingDown);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("5s", 5)]
    [InlineData("12", 12)]
    public void The_delay_is_whole_seconds(string? flag, int seconds)
    {
        var options = flag is null ? Options() : Options("--shutdown-delay", flag);
        Assert.Equal(TimeSpan.FromSeconds(seconds), options.ShutdownDelay);
    }
}
