namespace Kaito.Testing;

public static class RepositoryPaths
{
    /// <summary>The checkout root: the nearest directory above the test binaries holding Kaito.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>
    /// The operator executable hack/local-cluster/operator.sh builds and runs: the Native AOT one when
    /// KAITO_OPERATOR_BUILD=aot (as `make test` sets it), else the JIT build.
    /// </summary>
    public static string OperatorExecutable =>
        Combine(".local", Environment.GetEnvironmentVariable("KAITO_OPERATOR_BUILD") == "aot" ? "operator-aot" : "operator", "kaito-operator");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kaito.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Kaito.sln not found above {AppContext.BaseDirectory}");
    }
}
