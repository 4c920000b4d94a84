using Kaito.Testing;

namespace Kaito.Charts.Tests;

/// <summary>The helm binary `make prereqs` installs (the project's cache), or helm on PATH.</summary>
static class Helm
{
    public const string Version = "3.10.1";

    public static string Binary { get; } = Find();

    public static Task<ProcessResult> RunAsync(params string[] args) => ProcessRunner.RunAsync(Binary, args, timeout: TimeSpan.FromMinutes(5));

    public static string Chart(string name) => RepositoryPaths.Combine("charts", "kaito", name);

    static string Find()
    {
        var cache = Environment.GetEnvironmentVariable("KAITO_CACHE")
            ?? Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "kaito-dotnet");
        var cached = Path.Combine(cache, $"helm-v{Version}", "helm");
        return File.Exists(cached) ? cached : "helm";
    }
}
