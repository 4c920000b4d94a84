namespace Kaito.E2E.Tests;

/// <summary>
/// The operator reinstalled once for all of <see cref="RealNodeWorkloadTests"/> (a helm upgrade takes tens of seconds, and
/// every test of the class wants the same settings), and put back to its defaults after the class's last test.
/// </summary>
public sealed class RealNodeOperatorSettings : IAsyncLifetime
{
    readonly Lock gate = new();
    Task<string>? installed;

    /// <summary>The Hub double on the test network, for the operator's --hf-endpoint (the pods reach it there).</summary>
    public Kaito.Testing.HubTestServer Hub { get; } = Kaito.Testing.HubModels.Serve(RealGpuNode.Address);

    /// <summary>Runs <paramref name="install"/> the first time only; every later call gets its result (or its failure).</summary>
    public Task<string> OnceAsync(Func<Task<string>> install)
    {
        lock (gate) return installed ??= install();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Hub.Dispose();
        if (installed is null) return;
        var restored = await Kaito.Testing.LocalOperator.StartAsync();
        if (!restored.Succeeded) throw new InvalidOperationException("restoring the operator's default settings failed:\n" + restored);
    }
}
