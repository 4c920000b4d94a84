using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Kaito.TestDoubles.GpuImage;

/// <summary>
/// A STAND-IN for `crane append` (go-containerregistry), the one crane command the operator's adapter pusher runs,
/// because crane cannot be built or pulled on this machine. It pushes for real over the OCI distribution API: reads the
/// base image's manifest and config, copies (or mounts) its layers, uploads the new gzip layer and the new config, and
/// puts the manifest under the new tag. Options are checked as strictly as the other doubles' (only those crane's
/// append has that the operator may use). Anonymous registries only; it checks that the pushed registry has
/// credentials in $DOCKER_CONFIG/config.json, which a real registry would demand.
/// </summary>
public static class CraneAppend
{
    const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    const string LayerMediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    static readonly IReadOnlyList<OptionSpec> Options =
    [
        new("base", ValueKind.Text),
        new("new_layer", ValueKind.Text),
        new("new_tag", ValueKind.Text),
        new("insecure", ValueKind.Flag),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter log)
    {
        if (args.Count == 0 || args[0] != "append") return Fail(log, $"crane stand-in: only `crane append` is implemented, got: crane {string.Join(' ', args)}", 2);
        var (options, errors) = ArgumentParser.Parse([.. args.Skip(1)], Options, dashesAndUnderscoresAlike: false);
        if (options is null || errors.Count > 0) return Fail(log, string.Join("; ", errors), 2);
        var baseRef = options.Get("base");
        var layerPath = options.Get("new_layer");
        var tagRef = options.Get("new_tag");
        if (baseRef is null || layerPath is null || tagRef is null) return Fail(log, "crane append needs --base, --new_layer and --new_tag (the operator passes all three)", 2);
        if (!File.Exists(layerPath)) return Fail(log, $"--new_layer {layerPath}: no such file", 1);
        var target = ImageRef.Parse(tagRef);
        var source = ImageRef.Parse(baseRef);
        // crane talks plain HTTP by itself only to loopback and RFC 1918 hosts; the test network (198.18.0.0/15) is neither.
        if (!options.Has("insecure") && (target.NeedsInsecureFlag || source.NeedsInsecureFlag))
            return Fail(log, $"{target.Registry} speaks plain HTTP: crane needs --insecure for it (the operator's --insecure-registries)", 1);
        if (CredentialsProblem(target.Registry) is { } credentials) return Fail(log, credentials, 1);

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            var (manifest, _) = await GetManifestAsync(http, source);
            var config = JsonNode.Parse(await http.GetByteArrayAsync(source.Blob(manifest["config"]!["digest"]!.GetValue<string>())))!.AsObject();
            foreach (var layer in manifest["layers"]!.AsArray())
                await CopyBlobAsync(http, source, target, layer!["digest"]!.GetValue<string>());

            var gz = await File.ReadAllBytesAsync(layerPath);
            using var unzipped = new MemoryStream();
            await using (var gunzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress)) await gunzip.CopyToAsync(unzipped);
            var diffId = Digest(unzipped.ToArray());
            var layerDigest = await UploadAsync(http, target, gz);
            ((JsonArray)config["rootfs"]!["diff_ids"]!).Add((JsonNode)diffId);
            if (config["history"] is JsonArray history) history.Add((JsonNode)new JsonObject { ["created_by"] = "crane append (kaito test stand-in)" });
            var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
            var configDigest = await UploadAsync(http, target, configBytes);

            manifest["config"]!["digest"] = configDigest;
            manifest["config"]!["size"] = configBytes.Length;
            manifest["layers"]!.AsArray().Add((JsonNode)new JsonObject { ["mediaType"] = LayerMediaType, ["size"] = gz.Length, ["digest"] = layerDigest });
            var body = new ByteArrayContent(Encoding.UTF8.GetBytes(manifest.ToJsonString()));
            body.Headers.ContentType = new MediaTypeHeaderValue(manifest["mediaType"]?.GetValue<string>() ?? DockerManifest);
            using var put = await http.PutAsync(target.Manifest(target.Tag), body);
            if (!put.IsSuccessStatusCode) return Fail(log, $"PUT manifest {tagRef}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}", 1);
            log.WriteLine($"{target.Registry}/{target.Repository}@{put.Headers.GetValues("Docker-Content-Digest").FirstOrDefault()}");
            return 0;
        }
        catch (HttpRequestException e)
        {
            return Fail(log, $"crane append {tagRef}: {e.Message}", 1);
        }
    }

    static async Task<(JsonObject Manifest, string MediaType)> GetManifestAsync(HttpClient http, ImageRef image)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, image.Manifest(image.Tag));
        request.Headers.Accept.ParseAdd(OciManifest);
        request.Headers.Accept.ParseAdd(DockerManifest);
        using var response = await http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotFound) throw new HttpRequestException($"base image {image} not found");
        response.EnsureSuccessStatusCode();
        var manifest = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        if (manifest["layers"] is not JsonArray) throw new HttpRequestException($"base image {image} is an index or a schema-1 manifest; give a single-platform image");
        return (manifest, response.Content.Headers.ContentType?.MediaType ?? DockerManifest);
    }

    static async Task CopyBlobAsync(HttpClient http, ImageRef from, ImageRef to, string digest)
    {
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, to.Blob(digest)));
        if (head.IsSuccessStatusCode) return;
        if (from.Registry == to.Registry)
        {
            using var mount = await http.PostAsync(to.Uploads($"?mount={digest}&from={from.Repository}"), null);
            if (mount.StatusCode == HttpStatusCode.Created) return;
        }
        await UploadAsync(http, to, await http.GetByteArrayAsync(from.Blob(digest)));
    }

    /// <summary>A monolithic upload (POST, then PUT with the digest); returns the digest.</summary>
    static async Task<string> UploadAsync(HttpClient http, ImageRef to, byte[] blob)
    {
        var digest = Digest(blob);
        using var start = await http.PostAsync(to.Uploads(""), null);
        if (start.StatusCode != HttpStatusCode.Accepted) throw new HttpRequestException($"starting an upload to {to.Repository}: {(int)start.StatusCode}");
        var location = new Uri(to.Base, start.Headers.Location!);
        var separator = location.Query.Length > 0 ? "&" : "?";
        using var put = await http.PutAsync(new Uri(location + $"{separator}digest={Uri.EscapeDataString(digest)}"), new ByteArrayContent(blob));
        if (put.StatusCode != HttpStatusCode.Created) throw new HttpRequestException($"uploading {digest} to {to.Repository}: {(int)put.StatusCode}");
        return digest;
    }

    static string? CredentialsProblem(string registry)
    {
        var file = Path.Combine(Environment.GetEnvironmentVariable("DOCKER_CONFIG") ?? Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".docker"), "config.json");
        if (!File.Exists(file)) return $"no {file}: the imagePushSecret is not mounted, and a real registry would refuse the push";
        var auths = JsonNode.Parse(File.ReadAllText(file))?["auths"]?.AsObject();
        return auths?.Any(a => a.Key == registry || a.Key.EndsWith("//" + registry, StringComparison.Ordinal) || a.Key.Contains("//" + registry + "/", StringComparison.Ordinal)) == true
            ? null
            : $"{file} has no credentials for {registry} (the imagePushSecret is for another registry)";
    }

    static string Digest(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    static int Fail(TextWriter log, string message, int code)
    {
        log.WriteLine($"Error: {message}");
        return code;
    }

    /// <summary>registry/repository:tag; plain HTTP for the test network's registries, as the local cluster runs them.</summary>
    sealed record ImageRef(string Registry, string Repository, string Tag)
    {
        public bool PlainHttp => Registry.StartsWith("198.18.", StringComparison.Ordinal) || Registry.StartsWith("198.19.", StringComparison.Ordinal) || Registry.StartsWith("localhost", StringComparison.Ordinal);

        public bool NeedsInsecureFlag => PlainHttp && !Registry.StartsWith("localhost", StringComparison.Ordinal);

        public Uri Base => new($"{(PlainHttp ? "http" : "https")}://{Registry}/");

        public Uri Manifest(string reference) => new(Base, $"v2/{Repository}/manifests/{reference}");

        public Uri Blob(string digest) => new(Base, $"v2/{Repository}/blobs/{digest}");

        public Uri Uploads(string query) => new(Base, $"v2/{Repository}/blobs/uploads/{query}");

        public override string ToString() => $"{Registry}/{Repository}:{Tag}";

        public static ImageRef Parse(string reference)
        {
            var slash = reference.IndexOf('/', StringComparison.Ordinal);
            var first = slash > 0 ? reference[..slash] : "";
            var (registry, rest) = first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"
                ? (first, reference[(slash + 1)..])
                : ("registry-1.docker.io", reference.Contains('/', StringComparison.Ordinal) ? reference : "library/" + reference);
            var colon = rest.LastIndexOf(':');
            return colon > 0 ? new ImageRef(registry, rest[..colon], rest[(colon + 1)..]) : new ImageRef(registry, rest, "latest");
        }
    }
}
