using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kaito.Presets.HuggingFace;

/// <summary>How a Hub lookup ended.</summary>
public enum HubOutcome
{
    Found,
    /// <summary>No such repository (or a private one this token cannot see).</summary>
    NotFound,
    /// <summary>Gated or private, and no token was given.</summary>
    NeedsToken,
    /// <summary>A token was given and the Hub refused it for this model.</summary>
    TokenRefused,
    /// <summary>The metadata was read but cannot be used (malformed, unsupported architecture, no sizes).</summary>
    Unusable,
    /// <summary>The endpoint did not answer in time or at all; the fit check is deferred, not failed.</summary>
    Unreachable,
}

public sealed record HubLookup(HubOutcome Outcome, string Message, ModelPreset? Model = null, HubModelFacts? Facts = null);

/// <summary>
/// Reads a model's metadata from a Hugging Face compatible endpoint (https://huggingface.co, or a mirror named by
/// HF_ENDPOINT): the model API, config.json and, when the API gives no parameter counts, model.safetensors.index.json.
/// Answers are cached (bounded, with expiry; keyed by endpoint, id and a hash of the token), except "unreachable",
/// which is retried next time. Responses larger than <see cref="MaxResponseBytes"/> are refused.
/// </summary>
public sealed class HubClient(HttpClient http, Uri endpoint, TimeProvider? time = null, int capacity = 512)
{
    public const string DefaultEndpoint = "https://huggingface.co";
    public const int MaxResponseBytes = 4 * 1024 * 1024;
    static readonly TimeSpan FoundLifetime = TimeSpan.FromMinutes(30);
    static readonly TimeSpan NegativeLifetime = TimeSpan.FromMinutes(1);

    readonly TimeProvider clock = time ?? TimeProvider.System;
    readonly Dictionary<string, (HubLookup Lookup, DateTimeOffset Expires)> cache = [];
    readonly Lock gate = new();

    public Uri Endpoint { get; } = endpoint;

    /// <summary>
    /// The endpoint to use: <paramref name="configured"/> (a flag or chart value), else HF_ENDPOINT, else the Hub. Null with a
    /// problem when the value is not an absolute http(s) URL.
    /// </summary>
    public static (Uri? Endpoint, string? Problem) ResolveEndpoint(string? configured, string? environment)
    {
        var text = !string.IsNullOrWhiteSpace(configured) ? configured : !string.IsNullOrWhiteSpace(environment) ? environment : DefaultEndpoint;
        if (!Uri.TryCreate(text.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query))
            return (null, $"\"{text}\" is not an http(s) URL such as {DefaultEndpoint}");
        return (uri, null);
    }

    public async Task<HubLookup> LookupAsync(string repoId, string? token, CancellationToken cancellationToken)
    {
        var key = $"{Endpoint}|{repoId.ToLowerInvariant()}|{(token is null ? "" : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..16])}";
        lock (gate)
        {
            if (cache.TryGetValue(key, out var hit) && hit.Expires > clock.GetUtcNow()) return hit.Lookup;
        }
        var lookup = await FetchAsync(repoId, token, cancellationToken);
        if (lookup.Outcome != HubOutcome.Unreachable)
        {
            lock (gate)
            {
                var now = clock.GetUtcNow();
                if (cache.Count >= capacity)
                {
                    foreach (var stale in cache.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList()) cache.Remove(stale);
                    if (cache.Count >= capacity) cache.Remove(cache.MinBy(e => e.Value.Expires).Key);
                }
                cache[key] = (lookup, now + (lookup.Outcome == HubOutcome.Found ? FoundLifetime : NegativeLifetime));
            }
        }
        return lookup;
    }

    async Task<HubLookup> FetchAsync(string repoId, string? token, CancellationToken cancellationToken)
    {
        try
        {
            var info = await GetJsonAsync($"api/models/{repoId}", token, cancellationToken);
            if (info.Failure is { } infoFailure) return infoFailure;
            if (info.Json?["gated"] is JsonValue gated && !(gated.TryGetValue<bool>(out var open) && !open) && token is null)
                return new HubLookup(HubOutcome.NeedsToken, $"{repoId} is gated on {Endpoint.Host}: it needs a token from an account that accepted its licence");
            var config = await GetJsonAsync($"{repoId}/resolve/main/config.json", token, cancellationToken);
            if (config.Failure is { } configFailure) return configFailure;
            long? indexTotal = null;
            if (info.Json?["safetensors"]?["parameters"] is not JsonObject)
            {
                var index = await GetJsonAsync($"{repoId}/resolve/main/model.safetensors.index.json", token, cancellationToken);
                if (index.Failure is { Outcome: not HubOutcome.NotFound } indexFailure) return indexFailure;
                indexTotal = index.Json?["metadata"]?["total_size"] is JsonValue total && total.TryGetValue<long>(out var bytes) ? bytes : null;
            }
            var sized = HubModelSizing.Size(repoId, info.Json, config.Json, indexTotal, ModelCatalog.Default.BaseImage);
            return sized.Model is null
                ? new HubLookup(HubOutcome.Unusable, $"{repoId} cannot be served: {sized.Problem}")
                : new HubLookup(HubOutcome.Found, $"{repoId}: {sized.Facts!.Architecture}, {sized.Model.WeightsGiB} GiB of weights", sized.Model, sized.Facts);
        }
        catch (OperationCanceledException)
        {
            // The caller's budget or HttpClient.Timeout: either way the fit check waits, it does not fail.
            return new HubLookup(HubOutcome.Unreachable, $"{Endpoint} did not answer in time");
        }
        catch (HttpRequestException e)
        {
            return new HubLookup(HubOutcome.Unreachable, $"{Endpoint} could not be reached ({e.Message})");
        }

        async Task<(JsonNode? Json, HubLookup? Failure)> GetJsonAsync(string path, string? bearer, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Endpoint, path));
            if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound:
                    return (null, new HubLookup(HubOutcome.NotFound, $"{repoId} was not found on {Endpoint.Host} ({path} answered 404)"));
                case HttpStatusCode.Unauthorized when bearer is null:
                    return (null, new HubLookup(HubOutcome.NeedsToken, $"{Endpoint.Host} answered 401 for {repoId} without a token: it is gated or private (or does not exist)"));
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    return (null, new HubLookup(HubOutcome.TokenRefused, $"{Endpoint.Host} refused the token for {repoId} ({(int)response.StatusCode}): accept the model's licence with that account, or use a token that can read it"));
                case >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout:
                    return (null, new HubLookup(HubOutcome.Unreachable, $"{Endpoint.Host} answered {(int)response.StatusCode} for {path}"));
                case not HttpStatusCode.OK:
                    return (null, new HubLookup(HubOutcome.Unusable, $"{Endpoint.Host} answered {(int)response.StatusCode} for {path}"));
            }
            if (response.Content.Headers.ContentLength > MaxResponseBytes)
                return (null, new HubLookup(HubOutcome.Unusable, $"{path} is larger than {MaxResponseBytes} bytes"));
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            for (int read; (read = await body.ReadAsync(chunk, ct)) > 0;)
            {
                if (buffer.Length + read > MaxResponseBytes) return (null, new HubLookup(HubOutcome.Unusable, $"{path} is larger than {MaxResponseBytes} bytes"));
                buffer.Write(chunk, 0, read);
            }
            try
            {
                return (JsonNode.Parse(buffer.ToArray()), null);
            }
            catch (JsonException e)
            {
                return (null, new HubLookup(HubOutcome.Unusable, $"{path} of {repoId} is not valid JSON ({e.Message})"));
            }
        }
    }
}
