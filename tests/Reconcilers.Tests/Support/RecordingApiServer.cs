using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace Kaito.Reconcilers.Tests.Support;

/// <summary>
/// Stands in for the API server behind a real <see cref="Kubernetes"/> client: records every request and answers the
/// way the API server would for the calls reconcilers make (create echoes, merge patches applied to what it holds,
/// server-side apply echoes, delete, get or 404), or with a failure a test injects.
/// </summary>
sealed class RecordingApiServer : DelegatingHandler
{
    readonly Dictionary<string, JsonObject> objects = new(StringComparer.Ordinal);
    readonly List<(Func<Request, bool> When, HttpStatusCode Code, string Reason, string Message)> failures = [];

    public sealed record Request(string Method, string Path, string? ContentType, string Body)
    {
        public bool IsWrite => Method is not "GET";

        public bool IsEvent => Path.EndsWith("/events", StringComparison.Ordinal);

        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

        public override string ToString() => $"{Method} {Path}";
    }

    public List<Request> Requests { get; } = [];

    /// <summary>Writes other than Events.</summary>
    public IReadOnlyList<Request> Writes => [.. Requests.Where(r => r.IsWrite && !r.IsEvent)];

    public IReadOnlyList<Request> Events => [.. Requests.Where(r => r.IsEvent)];

    public IKubernetes Client => new Kubernetes(new KubernetesClientConfiguration { Host = "http://api.test" }, this);

    /// <summary>An object the server holds at <paramref name="path"/> (for GET and merge patches).</summary>
    public void Hold(string path, object obj) => objects[path] = JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    /// <summary>What the server holds at <paramref name="path"/> after the writes so far.</summary>
    public JsonObject? Get(string path) => objects.GetValueOrDefault(path);

    /// <summary>Answers matching requests with a bare page, not a Status (as for an API the server does not serve).</summary>
    public void FailWithPage(Func<Request, bool> when, HttpStatusCode code, string text) => pages.Add((when, code, text));

    readonly List<(Func<Request, bool> When, HttpStatusCode Code, string Text)> pages = [];

    /// <summary>Answers matching requests with an error Status.</summary>
    public void Fail(Func<Request, bool> when, HttpStatusCode code, string reason, string message) => failures.Add((when, code, reason, message));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await AnswerAsync(request, cancellationToken);
        response.RequestMessage = request;   // the client reads the request back from the response
        return response;
    }

    async Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new Request(request.Method.Method, request.RequestUri!.AbsolutePath, request.Content?.Headers.ContentType?.MediaType, body);
        Requests.Add(recorded);
        foreach (var (when, code, text) in pages)
        {
            if (when(recorded)) return new HttpResponseMessage(code) { Content = new StringContent(text, Encoding.UTF8, "text/plain") };
        }
        foreach (var (when, code, reason, message) in failures)
        {
            if (when(recorded))
                return Json(code, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = reason, ["message"] = message, ["code"] = (int)code });
        }
        var path = recorded.Path.EndsWith("/status", StringComparison.Ordinal) ? recorded.Path[..^"/status".Length] : recorded.Path;
        switch (recorded.Method)
        {
            case "GET":
                return objects.TryGetValue(path, out var held)
                    ? Json(HttpStatusCode.OK, held)
                    : Json(HttpStatusCode.NotFound, new JsonObject { ["kind"] = "Status", ["status"] = "Failure", ["reason"] = "NotFound", ["code"] = 404 });
            case "POST":
                return Json(HttpStatusCode.Created, recorded.Json);
            case "DELETE":
                objects.Remove(path);
                return Json(HttpStatusCode.OK, new JsonObject { ["kind"] = "Status", ["status"] = "Success" });
            case "PATCH" when recorded.ContentType == "application/merge-patch+json":
                var merged = Merge(objects.TryGetValue(path, out var current) ? current.DeepClone().AsObject() : new JsonObject(), recorded.Json);
                objects[path] = merged;
                return Json(HttpStatusCode.OK, merged);
            default:
                return Json(HttpStatusCode.OK, JsonNode.Parse(recorded.Body is { Length: > 0 } b ? b : "{}")!.AsObject());
        }
    }

    /// <summary>RFC 7386 merge patch.</summary>
    static JsonObject Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null) target.Remove(key);
            else if (value is JsonObject child && target[key] is JsonObject existing) target[key] = Merge(existing, child);
            else target[key] = value.DeepClone();
        }
        return target;
    }

    static HttpResponseMessage Json(HttpStatusCode code, JsonObject body) =>
        new(code) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
}
