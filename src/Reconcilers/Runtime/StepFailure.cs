using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// A reconcile step the API server refused: which condition of the owner it belongs to, a reason and the server's own
/// message. The reconciler writes it into the owner's status and an Event, then retries with backoff, unless the
/// refusal is <see cref="Terminal"/> (the request itself is invalid: only a change of the owner can help).
/// </summary>
public sealed class StepFailure(string condition, string reason, string message, bool terminal, Exception inner)
    : Exception($"{condition}: {reason}: {message}", inner)
{
    public string Condition { get; } = condition;

    public string Reason { get; } = reason;

    public string Detail { get; } = message;

    public bool Terminal { get; } = terminal;

    /// <summary>
    /// Runs one step; an API refusal (other than a write conflict, or the namespace being deleted, which the reconcile
    /// handles) becomes a <see cref="StepFailure"/> for <paramref name="condition"/>, with <paramref name="what"/> saying what was attempted.
    /// </summary>
    public static async Task<T> Run<T>(string condition, string what, Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode != HttpStatusCode.Conflict && !Shared.OwnerWrites.IsNamespaceTerminating(e))
        {
            var (reason, terminal) = Classify(e);
            throw new StepFailure(condition, reason, $"{what}: {ServerMessage(e)}", terminal, e);
        }
    }

    public static async Task Run(string condition, string what, Func<Task> step) =>
        await Run<bool>(condition, what, async () => { await step(); return true; });

    /// <summary>A condition reason for the refusal, and whether retrying the same request can ever succeed.</summary>
    public static (string Reason, bool Terminal) Classify(HttpOperationException e) => (int)e.Response.StatusCode switch
    {
        403 when e.Response.Content?.Contains("exceeded quota", StringComparison.Ordinal) == true => ("QuotaExceeded", false),
        403 => ("Forbidden", false),
        400 => ("BadRequest", true),
        422 => ("Invalid", true),
        404 => ("NotFound", false),
        429 => ("TooManyRequests", false),
        >= 500 => ("APIServerError", false),
        var code => ($"APIError{code}", false),
    };

    /// <summary>The message of the Status the API server answered with, else the HTTP status line.</summary>
    public static string ServerMessage(HttpOperationException e)
    {
        try
        {
            if (KubernetesJson.Deserialize<V1Status>(e.Response.Content ?? "") is { Message: { Length: > 0 } message }) return message;
        }
        catch (System.Text.Json.JsonException)
        {
            // not a Status body
        }
        return $"{(int)e.Response.StatusCode} {e.Response.ReasonPhrase}";
    }
}
