namespace Kaito.Testing;

/// <summary>Polls a condition until it holds; the timeout only bounds a broken run and is never what a test asserts.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        T? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await probe();
            if (last is not null) return last;
            await Task.Delay(250);
        }
        throw new TimeoutException($"gave up waiting for {what}");
    }

    public static async Task WaitAsync(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        await WaitAsync<object>(async () => await probe() ? new object() : null, timeout, what);
    }
}
