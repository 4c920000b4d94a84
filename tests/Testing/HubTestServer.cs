using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kaito.Testing;

/// <summary>
/// A test double of the Hugging Face Hub: a real HTTP server on loopback answering the paths the operator and the CLI
/// read (the model API, config.json, model.safetensors.index.json) from files registered per repository. A repository
/// may be gated (401 without a token, 403 for any token but <see cref="GoodToken"/>), answer slowly, or be missing (404).
/// </summary>
public sealed class HubTestServer : IDisposable
{
    public const string GoodToken = "hf_test_double_token";
    readonly HttpListener listener = new();
    readonly ConcurrentDictionary<string, Repository> repositories = new(StringComparer.OrdinalIgnoreCase);
    readonly CancellationTokenSource stop = new();

    /// <param name="address">The address to listen on: loopback for in-process tests, the test network's for pods.</param>
    public HubTestServer(string address = "127.0.0.1")
    {
        var port = FreePort(IPAddress.Parse(address));
        Endpoint = new Uri($"http://{address}:{port}/");
        listener.Prefixes.Add(Endpoint.ToString());
        listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Every request, as "path authorization" (authorization "-" when none).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public sealed record Repository(string? ModelInfo, string? Config, string? Index = null, bool Gated = false, TimeSpan Delay = default, int? Status = null);

    public void Add(string id, Repository repository) => repositories[id] = repository;

    async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    async Task AnswerAsync(HttpListenerContext context)
    {
        var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath.TrimStart('/'));
        var authorization = context.Request.Headers["Authorization"];
        Requests.Enqueue($"{path} {authorization ?? "-"}");
        var (status, body) = Route(path, authorization);
        try
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client gave up (a timeout test).
        }
    }

    (int Status, string Body) Route(string path, string? authorization)
    {
        string id, file;
        if (path.StartsWith("api/models/", StringComparison.Ordinal))
        {
            id = path["api/models/".Length..];
            file = "info";
        }
        else if (path.IndexOf("/resolve/main/", StringComparison.Ordinal) is var at and > 0)
        {
            id = path[..at];
            file = path[(at + "/resolve/main/".Length)..];
        }
        else
        {
            return (404, """{"error": "not a Hub path"}""");
        }
        if (!repositories.TryGetValue(id, out var repository)) return (404, """{"error": "Repository not found"}""");
        if (repository.Delay > TimeSpan.Zero) Thread.Sleep(repository.Delay);
        if (repository.Status is { } forced) return (forced, """{"error": "forced"}""");
        // Like the Hub: a gated model's API entry is public, its files need a token with access.
        if (repository.Gated && file != "info")
        {
            if (authorization is null) return (401, """{"error": "Access to this model is restricted; log in"}""");
            if (authorization != "Bearer " + GoodToken) return (403, """{"error": "You have not been granted access"}""");
        }
        var content = file switch
        {
            "info" => repository.ModelInfo,
            "config.json" => repository.Config,
            "model.safetensors.index.json" => repository.Index,
            _ => null,
        };
        return content is null ? (404, """{"error": "Entry not found"}""") : (200, content);
    }

    static int FreePort(IPAddress address)
    {
        using var socket = new TcpListener(address, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
        stop.Dispose();
    }
}
