namespace Kaito.TestDoubles.GpuImage;

/// <summary>What a real image would trip over at start, checked against the container's file system.</summary>
public static class StartupChecks
{
    public static List<string> Run(ServerSettings settings)
    {
        if (settings.Runtime == Runtime.Rag) return RagService.CheckEnvironment(Environment.GetEnvironmentVariable);
        var problems = new List<string>();
        if (settings.Model.StartsWith('/') && !Directory.Exists(settings.Model))
            problems.Add($"model weights not found at {settings.Model} (the image has them elsewhere, or the mount is missing)");
        foreach (var adapter in settings.Adapters)
        {
            if (!Directory.Exists(adapter.Path) || !Directory.EnumerateFileSystemEntries(adapter.Path).Any())
                problems.Add($"adapter {adapter.Name}: {adapter.Path} is missing or empty (did its init container copy it?)");
            else if (!File.Exists(Path.Combine(adapter.Path, "adapter_config.json")))
                problems.Add($"adapter {adapter.Name}: {adapter.Path} has no adapter_config.json, so it is not a LoRA adapter");
        }
        return problems;
    }
}
