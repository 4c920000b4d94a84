namespace Kaito.Testing;

/// <summary>The operator process `make up` (hack/local-cluster/operator.sh) runs on the local control plane.</summary>
public static class OperatorProcess
{
    /// <summary>SIGKILL, as a crash or an OOM kill would end it; returns once it is gone.</summary>
    public static async Task KillAsync()
    {
        var pid = int.Parse(await File.ReadAllTextAsync(RepositoryPaths.Combine(".local", "pids", "kaito-operator.pid")), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Starts it again without building (hack/local-cluster/operator.sh --no-build), with <paramref name="environment"/>
    /// (KAITO_NODE_PROVISIONER, KAITO_PRESET_REGISTRY, ...); returns once it is ready, or the script's failure.
    /// </summary>
    public static Task<ProcessResult> RestartAsync(IReadOnlyDictionary<string, string>? environment = null) =>
        ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", "operator.sh"), "--no-build"],
            environment: environment, timeout: TimeSpan.FromMinutes(3));
}
