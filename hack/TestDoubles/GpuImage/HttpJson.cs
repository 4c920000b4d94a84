using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kaito.TestDoubles.GpuImage;

/// <summary>Reading and writing JSON bodies without reflection (the double is Native AOT).</summary>
static class HttpJson
{
    /// <summary>The request body as a JSON object; null when it is not one.</summary>
    public static async Task<JsonObject?> ReadObjectAsync(HttpContext http)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static IResult Ok(JsonNode body) => Results.Text(body.ToJsonString(), "application/json");

    public static IResult Status(int status, JsonNode body) => Results.Text(body.ToJsonString(), "application/json", statusCode: status);
}
