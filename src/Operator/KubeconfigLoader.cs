using System.Text.Json.Nodes;
using k8s;
using k8s.KubeConfigModels;
using Kaito.Api.V1Beta1.Serialization;

namespace Kaito.Operator;

/// <summary>
/// Reads a kubeconfig file without KubernetesYaml, whose reflection-based YAML binding cannot run under
/// Native AOT: YAML → JSON with our own reader, mapped by hand onto the client's kubeconfig model, which the
/// client then turns into a configuration exactly as it does for files it reads itself.
/// </summary>
public static class KubeconfigLoader
{
    public static KubernetesClientConfiguration Load(string? path, string? context = null)
    {
        path ??= DefaultPath();
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"kubeconfig {full} does not exist; pass --kubeconfig or set KUBECONFIG", full);
        var config = Parse(File.ReadAllText(full));
        config.FileName = full;
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config, context);
    }

    static string DefaultPath() =>
        Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");

    public static K8SConfiguration Parse(string yaml)
    {
        var root = YamlDocuments.ToJson(yaml).SingleOrDefault() as JsonObject
            ?? throw new FormatException("the kubeconfig is not a YAML mapping");
        return new K8SConfiguration
        {
            ApiVersion = Text(root, "apiVersion"),
            Kind = Text(root, "kind"),
            CurrentContext = Text(root, "current-context"),
            Clusters = [.. Items(root, "clusters").Select(c => new Cluster { Name = Text(c, "name"), ClusterEndpoint = Endpoint(c["cluster"] as JsonObject) })],
            Users = [.. Items(root, "users").Select(u => new User { Name = Text(u, "name"), UserCredentials = Credentials(u["user"] as JsonObject) })],
            Contexts = [.. Items(root, "contexts").Select(c => new Context { Name = Text(c, "name"), ContextDetails = Details(c["context"] as JsonObject) })],
        };
    }

    static ClusterEndpoint? Endpoint(JsonObject? o) => o is null ? null : new()
    {
        Server = Text(o, "server"),
        CertificateAuthority = Text(o, "certificate-authority"),
        CertificateAuthorityData = Text(o, "certificate-authority-data"),
        TlsServerName = Text(o, "tls-server-name"),
        SkipTlsVerify = o["insecure-skip-tls-verify"] is JsonValue v && v.TryGetValue<bool>(out var skip) && skip,
    };

    static UserCredentials? Credentials(JsonObject? o) => o is null ? null : new()
    {
        ClientCertificate = Text(o, "client-certificate"),
        ClientCertificateData = Text(o, "client-certificate-data"),
        ClientKey = Text(o, "client-key"),
        ClientKeyData = Text(o, "client-key-data"),
        Token = Text(o, "token") ?? TokenFile(Text(o, "tokenFile")),
        UserName = Text(o, "username"),
        Password = Text(o, "password"),
        Impersonate = Text(o, "as"),
        ExternalExecution = o["exec"] is JsonObject exec ? Exec(exec) : null,
        AuthProvider = o["auth-provider"] is JsonObject provider ? new AuthProvider
        {
            Name = Text(provider, "name"),
            Config = (provider["config"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "") ?? [],
        } : null,
    };

    static ExternalExecution Exec(JsonObject o) => new()
    {
        ApiVersion = Text(o, "apiVersion"),
        Command = Text(o, "command"),
        Arguments = [.. (o["args"] as JsonArray ?? []).Select(a => a?.ToString() ?? "")],
        EnvironmentVariables = [.. Items(o, "env").Select(e => new Dictionary<string, string> { ["name"] = Text(e, "name") ?? "", ["value"] = Text(e, "value") ?? "" })],
        ProvideClusterInfo = o["provideClusterInfo"] is JsonValue v && v.TryGetValue<bool>(out var provide) && provide,
    };

    static ContextDetails? Details(JsonObject? o) => o is null ? null : new()
    {
        Cluster = Text(o, "cluster"),
        User = Text(o, "user"),
        Namespace = Text(o, "namespace"),
    };

    static string? TokenFile(string? path) => path is null ? null : File.ReadAllText(path).Trim();

    static IEnumerable<JsonObject> Items(JsonObject o, string name) => (o[name] as JsonArray ?? []).OfType<JsonObject>();

    static string? Text(JsonObject o, string name) => o[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}
