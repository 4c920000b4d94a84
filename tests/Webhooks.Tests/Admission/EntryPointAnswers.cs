using System.Text;
using System.Text.Json;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Tests.Fuzz;
using Kaito.Webhooks.Validation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kaito.Webhooks.Tests.Admission;

/// <summary>
/// What the webhook answers a body, as the property tests compare it: through its one entry point (fast readings first),
/// or through the tolerant reading alone (review parsed, objects kept as JSON). "400" stands for a body that is not a review.
/// </summary>
static class EntryPointAnswers
{
    public static readonly AdmissionHandler Handler = new(new AdmissionSettings(), null, NullLogger<AdmissionHandler>.Instance);

    /// <summary>Every seed object of examples/ as a CREATE and an UPDATE review, as written and as kubectl applies it.</summary>
    public static IEnumerable<(AdmissionKind Kind, byte[] Body)> SeedReviews()
    {
        var seeds = SeedObjects.Workspaces.Select(o => (Kind: AdmissionKind.Workspace, Json: o))
            .Concat(SeedObjects.RAGEngines.Select(o => (Kind: AdmissionKind.RAGEngine, Json: o)));
        foreach (var (kind, obj) in seeds.SelectMany(s => new[] { s, (s.Kind, KubectlApplied(s.Json)) }))
        {
            foreach (var operation in new[] { "CREATE", "UPDATE" })
                yield return (kind, Encoding.UTF8.GetBytes($$$"""
                    {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","kind":{"group":"kaito.sh","version":"v1beta1","kind":"{{{kind.Kind}}}"},"resource":{"group":"kaito.sh","version":"v1beta1","resource":"r"},"operation":"{{{operation}}}","userInfo":{"username":"u"},"object":{{{obj}}},"oldObject":{{{(operation == "UPDATE" ? obj : "null")}}},"dryRun":false}}
                    """));
        }
    }

    /// <summary>The object with the annotation kubectl's client-side apply adds: a copy of the object.</summary>
    static string KubectlApplied(string json)
    {
        var node = SeedObjects.Parse(json);
        var metadata = (System.Text.Json.Nodes.JsonObject)node["metadata"]!;
        if (metadata["annotations"] is not System.Text.Json.Nodes.JsonObject annotations) metadata["annotations"] = annotations = [];
        annotations[Kaito.Api.V1Beta1.Annotations.KubectlLastAppliedConfiguration] = json + "\n";
        return node.ToJsonString();
    }

    public static async Task<string> EntryPointAsync(AdmissionKind kind, bool validate, byte[] body)
    {
        var answer = await Handler.AnswerAsync(kind, validate, body, CancellationToken.None);
        return answer.Response is null ? "400" : Json(answer.Response);
    }

    public static async Task<string> TolerantAsync(AdmissionKind kind, bool validate, byte[] body)
    {
        AdmissionReview? review;
        try
        {
            review = AdmissionHandler.ReadReview(body);
        }
        catch (JsonException)
        {
            return "400";
        }
        if (review?.Request is not { } request) return "400";
        return Json(validate
            ? await Handler.ValidateAsync(kind, request, CancellationToken.None)
            : await Handler.MutateAsync(kind, request, CancellationToken.None));
    }

    public static string Json(AdmissionResponse response) => JsonSerializer.Serialize(response);
}
