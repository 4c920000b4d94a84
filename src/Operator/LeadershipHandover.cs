namespace Kaito.Operator;

/// <summary>
/// Fires when shutdown begins, before the webhooks drain: the controllers stop and the Lease is released while this
/// pod still answers admission, so a successor leads within its retry period instead of after the drain (or, when
/// the kubelet kills the pod before the drain ends, after the Lease expires).
/// </summary>
public sealed class LeadershipHandover : IDisposable
{
    readonly CancellationTokenSource begun = new();

    public CancellationToken Token => begun.Token;

    public Task BeginAsync() => begun.CancelAsync();

    public void Dispose() => begun.Dispose();
}
