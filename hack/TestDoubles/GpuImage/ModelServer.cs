using System.Globalization;
using System.Text.Json.Nodes;

namespace Kaito.TestDoubles.GpuImage;

/// <summary>
/// The HTTP surface of KAITO's model servers with canned, deterministic answers: /health, /v1/models,
/// /v1/chat/completions (OpenAI shape; SSE when asked to stream), and the transformers server's /chat. Plus
/// /test-double/crash and /test-double/oom, which only this double has.
/// </summary>
public static class ModelServer
{
    public static WebApplication Build(ServerSettings settings, string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.ConfigureKestrel(k => k.ListenAnyIP(settings.Port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        if (settings.Runtime == Runtime.Rag)
        {
            app.MapGet("/health", () => HttpJson.Ok(new JsonObject { ["status"] = "Healthy", ["detail"] = null }));
            RagService.Map(app);
            return app;
        }
        app.MapGet("/health", () => settings.Runtime == Runtime.Vllm
            ? Results.Ok()
            : HttpJson.Ok(new JsonObject { ["status"] = "Healthy" }));

        app.MapGet("/v1/models", () =>
        {
            var data = new JsonArray(new JsonObject
            {
                ["id"] = settings.ServedModelName, ["object"] = "model", ["created"] = created, ["owned_by"] = "kaito-test-double",
                ["root"] = settings.Model, ["parent"] = null,
            });
            foreach (var adapter in settings.Adapters)
                data.Add((JsonNode)new JsonObject
                {
                    ["id"] = adapter.Name, ["object"] = "model", ["created"] = created, ["owned_by"] = "kaito-test-double",
                    ["root"] = adapter.Path, ["parent"] = settings.ServedModelName,
                    // What KAITO's servers read as the adapter's weight (null: unset, they would use 1.0).
                    ["strength"] = Environment.GetEnvironmentVariable(adapter.Name),
                });
            return HttpJson.Ok(new JsonObject { ["object"] = "list", ["data"] = data });
        });

        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            var body = await HttpJson.ReadObjectAsync(http);
            if (body is null) return Error(400, "the body must be a JSON object");
            var model = body["model"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? body["model"]!.GetValue<string>() : settings.ServedModelName;
            if (model != settings.ServedModelName && settings.Adapters.All(a => a.Name != model))
                return Error(404, $"The model `{model}` does not exist.");
            if (LastUserMessage(body["messages"]) is not { } last) return Error(400, "messages must be a non-empty array of {role, content}");
            var text = Answer(model, last);
            var id = $"chatcmpl-{Math.Abs(StringComparer.Ordinal.GetHashCode(text)).ToString(CultureInfo.InvariantCulture)}";
            var stream = body["stream"]?.GetValueKind() == System.Text.Json.JsonValueKind.True || settings.Runtime == Runtime.Transformers;
            if (!stream)
                return HttpJson.Ok(new JsonObject
                {
                    ["id"] = id, ["object"] = "chat.completion", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["model"] = model,
                    ["choices"] = new JsonArray(new JsonObject
                    {
                        ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text }, ["finish_reason"] = "stop",
                    }),
                    ["usage"] = Usage(last, text),
                });
            var chunk = new JsonObject
            {
                ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["delta"] = new JsonObject { ["role"] = "assistant", ["content"] = text }, ["finish_reason"] = "stop",
                }),
            };
            return Results.Text($"data: {chunk.ToJsonString()}\n\ndata: [DONE]\n\n", "text/event-stream");
        });

        if (settings.Runtime == Runtime.Transformers)
            app.MapPost("/chat", async (HttpContext http) =>
            {
                var body = await HttpJson.ReadObjectAsync(http);
                var prompt = body?["prompt"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? body["prompt"]!.GetValue<string>() : LastUserMessage(body?["messages"]);
                return prompt is null
                    ? Error(400, "Text generation parameter prompt required")
                    : HttpJson.Ok(new JsonObject { ["Result"] = Answer(settings.ServedModelName, prompt) });
            });

        app.MapPost("/test-double/crash", (int? code) =>
        {
            Faults.Remember($"crash {code ?? 3}");
            _ = AfterTheAnswerAsync(() => Faults.Act("crash", code ?? 3));
            return Results.Accepted();
        });
        app.MapPost("/test-double/oom", (int? mib) =>
        {
            Faults.Remember($"oom {mib ?? 1024}");
            _ = AfterTheAnswerAsync(() => Faults.Act("oom", mib ?? 1024));
            return Results.Accepted();
        });
        return app;
    }

    /// <summary>Lets the 202 reach the client before the fault takes the process down.</summary>
    static async Task AfterTheAnswerAsync(Action fault)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        fault();
    }

    /// <summary>Deterministic, so a test can assert on the exact text.</summary>
    public static string Answer(string model, string lastUserMessage) =>
        $"[{model} test double] you said: {lastUserMessage}";

    static string? LastUserMessage(JsonNode? messages)
    {
        if (messages is not JsonArray { Count: > 0 } list) return null;
        for (var i = list.Count - 1; i >= 0; i--)
            if (list[i] is JsonObject m && m["role"]?.ToString() == "user" && m["content"]?.GetValueKind() == System.Text.Json.JsonValueKind.String)
                return m["content"]!.GetValue<string>();
        return null;
    }

    static JsonObject Usage(string prompt, string text)
    {
        int Words(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return new JsonObject { ["prompt_tokens"] = Words(prompt), ["completion_tokens"] = Words(text), ["total_tokens"] = Words(prompt) + Words(text) };
    }

    static IResult Error(int status, string message) =>
        HttpJson.Status(status, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["code"] = status } });
}
