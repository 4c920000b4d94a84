using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>
/// A helm release's revisions as helm stores them: one Secret each, labelled with the release's name, the revision's
/// version and status, holding the release as base64 (the Secret's) of base64 of gzipped JSON.
/// </summary>
static class HelmRelease
{
    public sealed record Revision(int Version, string Status, JsonObject Release);

    public static async Task<IReadOnlyList<Revision>> RevisionsAsync(ControlPlane plane, string name)
    {
        var secrets = JsonNode.Parse((await plane.KubectlOkAsync("get", "secrets", "-n", LocalOperator.Namespace,
            "-l", $"owner=helm,name={name}", "-o", "json")).StdOut)!["items"]!.AsArray();
        return [.. secrets.Select(secret => new Revision(
            int.Parse(secret!["metadata"]!["labels"]!["version"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            secret["metadata"]!["labels"]!["status"]!.GetValue<string>(),
            Decode(secret["data"]!["release"]!.GetValue<string>())))];
    }

    /// <summary>Writes <paramref name="release"/> as revision <paramref name="version"/> in <paramref name="status"/>, as helm does when it starts an operation.</summary>
    public static async Task WriteAsync(ControlPlane plane, string name, JsonObject release, int version, string status, string description)
    {
        release["version"] = version;
        release["info"]!["status"] = status;
        release["info"]!["description"] = description;
        var secret = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Secret", ["type"] = "helm.sh/release.v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"sh.helm.release.v1.{name}.v{version}", ["namespace"] = LocalOperator.Namespace,
                ["labels"] = new JsonObject { ["name"] = name, ["owner"] = "helm", ["status"] = status, ["version"] = $"{version}" },
            },
            ["data"] = new JsonObject { ["release"] = Encode(release) },
        };
        await plane.KubectlOkAsync(["create", "-f", "-"], secret.ToJsonString());
    }

    static JsonObject Decode(string secretData)
    {
        var gzipped = Convert.FromBase64String(Encoding.ASCII.GetString(Convert.FromBase64String(secretData)));
        using var json = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        return JsonNode.Parse(json)!.AsObject();
    }

    static string Encode(JsonObject release)
    {
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest)) gzip.Write(Encoding.UTF8.GetBytes(release.ToJsonString()));
        return Convert.ToBase64String(Encoding.ASCII.GetBytes(Convert.ToBase64String(gzipped.ToArray())));
    }
}
