using System.Text.Json.Nodes;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>`kubectl get -o json` and condition look-ups, the way a user inspects objects.</summary>
static class KubectlJson
{
    public static async Task<JsonObject> GetJsonAsync(this ControlPlane plane, params string[] args)
    {
        var result = await plane.KubectlAsync(["get", .. args, "-o", "json"]);
        Assert.True(result.Succeeded, result.ToString());
        return JsonNode.Parse(result.StdOut)!.AsObject();
    }

    /// <summary>The Workspaces of InferenceSet <paramref name="set"/>, by the label the operator gives them.</summary>
    public static async Task<JsonArray> InferenceSetChildrenAsync(this ControlPlane plane, string ns, string set) =>
        (await plane.GetJsonAsync("workspaces", "-n", ns, "-l", Kaito.Presets.InferenceSetChildren.Selector(set)))["items"]!.AsArray();

    public static JsonNode? Condition(JsonObject obj, string type) =>
        (obj["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => c?["type"]?.GetValue<string>() == type);

    public static string? ConditionStatus(JsonObject obj, string type) => Condition(obj, type)?["status"]?.GetValue<string>();
}
