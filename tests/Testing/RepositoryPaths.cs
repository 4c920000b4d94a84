namespace Kaito.Testing;

public static class RepositoryPaths
{
    /// <summary>The checkout root: the nearest directory above the test binaries holding Kaito.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kaito.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Kaito.sln not found above {AppContext.BaseDirectory}");
    }
}
