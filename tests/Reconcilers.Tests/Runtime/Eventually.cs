namespace Kaito.Reconcilers.Tests.Runtime;

/// <summary>Polls a condition; the timeout only guards against hangs, it is not what a test asserts.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, int timeoutSeconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (!condition())
        {
            if (timeout.IsCancellationRequested) Assert.Fail($"timed out waiting for: {what}");
            await Task.Delay(20, CancellationToken.None);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (!await condition())
        {
            if (timeout.IsCancellationRequested) Assert.Fail($"timed out waiting for: {what}");
            await Task.Delay(100, CancellationToken.None);
        }
    }
}
