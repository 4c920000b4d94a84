using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Kaito.E2E.Tests;

/// <summary>A helm release as helm stores it in a Secret's data: base64 (the Secret's) of base64 of gzipped JSON.</summary>
static class HelmRelease
{
    public static JsonObject Decode(string secretData)
    {
        var gzipped = Convert.FromBase64String(Encoding.ASCII.GetString(Convert.FromBase64String(secretData)));
        using var json = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        return JsonNode.Parse(json)!.AsObject();
    }

    public static string Encode(JsonObject release)
    {
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest)) gzip.Write(Encoding.UTF8.GetBytes(release.ToJsonString()));
        return Convert.ToBase64String(Encoding.ASCII.GetBytes(Convert.ToBase64String(gzipped.ToArray())));
    }
}
