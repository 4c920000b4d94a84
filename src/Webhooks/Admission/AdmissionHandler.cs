using System.Text.Json;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Admission.Reading;
using Kaito.Webhooks.Defaulting;
using Kaito.Webhooks.Validation;
using Microsoft.Extensions.Logging;

namespace Kaito.Webhooks.Admission;

/// <summary>
/// Turns one AdmissionRequest into a response: defaults (mutate) or rules (validate). Bad requests get a
/// clean denial; an exception inside a rule becomes a denial too, logged with the request uid.
/// Status-subresource writes are always allowed: spec rules never block the operator's status updates.
/// </summary>
public sealed partial class AdmissionHandler
{
    readonly ILogger<AdmissionHandler> logger;
    readonly WorkspaceDefaulter workspaceDefaulter;
    readonly WorkspaceValidator workspaceValidator;
    readonly RAGEngineValidator ragEngineValidator;
    readonly InferenceSetValidator inferenceSetValidator;

    // The validations as delegates made once: a method group passed per request would be a new delegate each time.
    readonly Func<string, Workspace, Workspace?, CancellationToken, ValueTask<ValidationResult>> validateWorkspace;
    readonly Func<string, RAGEngine, RAGEngine?, CancellationToken, ValueTask<ValidationResult>> validateRAGEngine;
    readonly Func<string, InferenceSet, InferenceSet?, CancellationToken, ValueTask<ValidationResult>> validateInferenceSet;

    public AdmissionHandler(AdmissionSettings settings, IClusterLookup? cluster, ILogger<AdmissionHandler> logger)
    {
        this.logger = logger;
        workspaceDefaulter = new WorkspaceDefaulter(settings);
        workspaceValidator = new WorkspaceValidator(settings, cluster);
        ragEngineValidator = new RAGEngineValidator(settings, cluster);
        inferenceSetValidator = new InferenceSetValidator(settings, cluster);
        validateWorkspace = ValidateWorkspaceAsync;
        validateRAGEngine = ValidateRAGEngineAsync;
        validateInferenceSet = ValidateInferenceSetAsync;
    }

    /// <summary>
    /// The one entry point: an AdmissionReview body in, the response (or why the body is not a review) out. Validation
    /// first reads the body in one pass straight into the typed object, which is all a well-formed review needs. Only a
    /// body that does not decode that way is read again, the tolerant way (objects kept as JSON): that reading answers 400
    /// for a body that is not a review, and for a field of the wrong type the first pass's error already names the
    /// field. Mutation parses the body once and defaults the object as parsed (<see cref="ParsedReview"/>), exactly as
    /// received; a body that reading declines is read the tolerant way.
    /// </summary>
    public async ValueTask<AdmissionAnswer> AnswerAsync(AdmissionKind kind, bool validate, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        Exception? onePassFailure = null;
        if (validate)
        {
            var (answer, failure) = await ValidateOnePassAsync(kind, body, cancellationToken);
            if (answer is not null) return new AdmissionAnswer(answer, null);
            onePassFailure = failure;
        }
        else if (ParsedReview.TryRead(body) is { } parsed)
        {
            using (parsed) return new AdmissionAnswer(Mutate(kind, parsed.Request), null);
        }
        AdmissionReview? review;
        try
        {
            review = ReadReview(body.Span);
        }
        catch (JsonException e)
        {
            return new AdmissionAnswer(null, $"the body is not an AdmissionReview: {e.Message}");
        }
        if (review?.Request is not { } request) return new AdmissionAnswer(null, "the AdmissionReview has no request");
        return new AdmissionAnswer(validate ? await ValidateAsync(kind, request, onePassFailure, cancellationToken) : Mutate(kind, request), null);
    }

    /// <summary>The tolerant reading: objects kept as JSON, so a field of the wrong type can be named.</summary>
    internal static AdmissionReview? ReadReview(ReadOnlySpan<byte> body) => TolerantReader.Read(body);

    static readonly TypeInfoReader<AdmissionReview> TolerantReader = new(WebhookJson.Default.AdmissionReview);

    /// <summary>Defaulting is pure and in-memory; the Task shape matches validation's.</summary>
    internal ValueTask<AdmissionResponse> MutateAsync(AdmissionKind kind, AdmissionRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Mutate(kind, request));

    AdmissionResponse Mutate(AdmissionKind kind, AdmissionRequest request)
    {
        var uid = request.Uid ?? "";
        if (Precheck(kind, request) is { } early) return early;
        try
        {
            // Precheck made sure it is an object.
            var json = request.Object!.Value;
            var isCreate = request.Operation == "CREATE";
            // An InferenceSet's defaults (replicas, updateStrategy) are the CRD schema's; its template is defaulted
            // when the children are made from it, by the Workspace webhook.
            var result = kind.Kind switch
            {
                Workspace.KindName => workspaceDefaulter.Default(json, isCreate),
                RAGEngine.KindName => RAGEngineDefaulter.Default(json),
                _ => DefaultingResult.None,
            };
            return AdmissionResponses.Patch(uid, result.Operations, result.Warnings);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or ArgumentException)
        {
            // A field of the wrong shape: nothing sensible to default. The schema and the validating
            // webhook reject the object with the field's name, so admit it unchanged here.
            LogMalformed(logger, uid, kind.Kind, e.Message);
            return AdmissionResponses.Allow(uid);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRuleFailure(logger, e, uid, kind.Kind, "defaulting");
            return AdmissionResponses.BadRequest(uid, $"defaulting the {kind.Kind} failed unexpectedly (request uid {uid}); the operator log has details");
        }
    }

    internal ValueTask<AdmissionResponse> ValidateAsync(AdmissionKind kind, AdmissionRequest request, CancellationToken cancellationToken) =>
        ValidateAsync(kind, request, null, cancellationToken);

    /// <param name="onePassFailure">Why the one-pass reading failed, if it was tried: when it is a wrong type inside the
    /// object, the object is not decoded a second time to find the same field.</param>
    ValueTask<AdmissionResponse> ValidateAsync(AdmissionKind kind, AdmissionRequest request, Exception? onePassFailure, CancellationToken cancellationToken)
    {
        var uid = request.Uid ?? "";
        if (Precheck(kind, request) is { } early) return ValueTask.FromResult(early);
        var name = request.Name ?? TryName(request.Object!.Value);
        if (onePassFailure is JsonException { Path: { } path } && path.Length > ObjectPath.Length
            && path.StartsWith(ObjectPath, StringComparison.Ordinal) && path[ObjectPath.Length] is '.' or '[')
            return ValueTask.FromResult(WrongType(uid, kind, name, "$" + path[ObjectPath.Length..]));
        return AdmitAsync(kind, uid, name, ValidateDecoded(kind, request, cancellationToken));
    }

    /// <summary>The validation of the objects decoded from JSON; what decoding throws (a wrong type) is the task's exception.</summary>
    ValueTask<ValidationResult> ValidateDecoded(AdmissionKind kind, AdmissionRequest request, CancellationToken cancellationToken)
    {
        var operation = request.Operation!;
        try
        {
            return kind.Kind switch
            {
                Workspace.KindName => ValidateWorkspaceAsync(operation, Decode<Workspace>(request.Object!.Value), DecodeOld<Workspace>(request), cancellationToken),
                RAGEngine.KindName => ValidateRAGEngineAsync(operation, Decode<RAGEngine>(request.Object!.Value), DecodeOld<RAGEngine>(request), cancellationToken),
                _ => ValidateInferenceSetAsync(operation, Decode<InferenceSet>(request.Object!.Value), DecodeOld<InferenceSet>(request), cancellationToken),
            };
        }
        catch (Exception e)
        {
            return ValueTask.FromException<ValidationResult>(e);
        }
    }

    const string ObjectPath = "$.request.object";

    /// <summary>
    /// The answer for a whole review read in one pass into the typed object; a null answer (and the exception, if one
    /// was thrown) when the body does not decode that way (malformed JSON, a field of the wrong type).
    /// </summary>
    internal ValueTask<(AdmissionResponse? Answer, Exception? Failure)> ValidateOnePassAsync(AdmissionKind kind, ReadOnlyMemory<byte> review, CancellationToken cancellationToken) =>
        kind.Kind switch
        {
            Workspace.KindName => ValidateTypedAsync(kind, review, validateWorkspace, cancellationToken),
            RAGEngine.KindName => ValidateTypedAsync(kind, review, validateRAGEngine, cancellationToken),
            _ => ValidateTypedAsync(kind, review, validateInferenceSet, cancellationToken),
        };

    async ValueTask<(AdmissionResponse?, Exception?)> ValidateTypedAsync<T>(AdmissionKind kind, ReadOnlyMemory<byte> review,
        Func<string, T, T?, CancellationToken, ValueTask<ValidationResult>> validate, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        TypedAdmissionRequest<T>? request;
        try
        {
            request = TypedReviewJson.Review<T>.Reader.Read(review.Span)?.Request;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogOnePassDeclined(logger, kind.Kind, e.Message);
            return (null, e);
        }
        if (request is null) return (null, null);
        var uid = request.Uid ?? "";
        if (Precheck(kind, request, request.Object is not null, request.OldObject is not null,
                request.OldObject?.Metadata?.DeletionTimestamp is not null) is { } early)
            return (early, null);
        return (await AdmitAsync(kind, uid, request.Name ?? request.Object!.Metadata?.Name,
            validate(request.Operation!, request.Object!, request.OldObject, cancellationToken)), null);
    }

    /// <param name="validation">The validation, started: the validators are async, so what they throw is in the task.</param>
    async ValueTask<AdmissionResponse> AdmitAsync(AdmissionKind kind, string uid, string? name, ValueTask<ValidationResult> validation)
    {
        try
        {
            var result = await validation;
            return result.Allowed
                ? AdmissionResponses.Allow(uid, result.Warnings)
                : AdmissionResponses.Invalid(uid, KaitoGroup.Name, kind.Kind, name, result.Errors, result.Warnings);
        }
        catch (JsonException e)
        {
            return WrongType(uid, kind, name, e.Path);
        }
        catch (RuleFailedException e)
        {
            LogRuleFailure(logger, e.InnerException!, uid, kind.Kind, e.Path);
            return AdmissionResponses.Invalid(uid, KaitoGroup.Name, kind.Kind, name,
                [new FieldError(FieldErrorType.Invalid, e.Path, $"could not be checked: the rule failed unexpectedly (request uid {uid}); please report it")]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRuleFailure(logger, e, uid, kind.Kind, "");
            return AdmissionResponses.BadRequest(uid, $"validating the {kind.Kind} failed unexpectedly (request uid {uid}); please report it");
        }
    }

    static AdmissionResponse WrongType(string uid, AdmissionKind kind, string? name, string? jsonPath) =>
        AdmissionResponses.Invalid(uid, KaitoGroup.Name, kind.Kind, name,
            [new FieldError(FieldErrorType.Invalid, string.IsNullOrEmpty(jsonPath) ? "" : jsonPath.TrimStart('$', '.'), "the value has the wrong type for this field", null)]);

    static AdmissionResponse? Precheck(AdmissionKind kind, AdmissionRequest request)
    {
        var hasOldObject = request.OldObject is { ValueKind: JsonValueKind.Object };
        return Precheck(kind, request, request.Object is { ValueKind: JsonValueKind.Object }, hasOldObject,
            hasOldObject && IsBeingDeleted(request.OldObject!.Value));
    }

    static AdmissionResponse? Precheck(AdmissionKind kind, AdmissionRequestEnvelope request, bool hasObject, bool hasOldObject, bool oldObjectIsBeingDeleted)
    {
        var (uid, requestKind, operation, subResource) = (request.Uid ?? "", request.Kind, request.Operation, request.SubResource);
        if (uid.Length == 0) return AdmissionResponses.BadRequest(uid, "the AdmissionReview request has no uid");
        if (!string.Equals(requestKind?.Kind, kind.Kind, StringComparison.Ordinal) || requestKind?.Group != KaitoGroup.Name)
            return AdmissionResponses.BadRequest(uid, $"this webhook admits {KaitoGroup.Name} {kind.Kind} objects, not {requestKind?.Group}/{requestKind?.Kind}");
        if (operation is not ("CREATE" or "UPDATE")) return AdmissionResponses.Allow(uid);
        if (subResource is { Length: > 0 }) return AdmissionResponses.Allow(uid);
        if (!hasObject) return AdmissionResponses.BadRequest(uid, $"the {operation} request carries no {kind.Kind} object");
        if (operation == "UPDATE" && !hasOldObject) return AdmissionResponses.BadRequest(uid, $"the UPDATE request carries no previous {kind.Kind} object");
        // An object being deleted only waits for its finalizers: never block their removal (rules may have grown
        // stricter since it was created, and nothing will be reconciled from its spec again).
        if (operation == "UPDATE" && oldObjectIsBeingDeleted) return AdmissionResponses.Allow(uid);
        return null;
    }

    ValueTask<ValidationResult> ValidateWorkspaceAsync(string operation, Workspace workspace, Workspace? old, CancellationToken cancellationToken) =>
        operation == "UPDATE"
            ? workspaceValidator.ValidateUpdateAsync(workspace, old!, cancellationToken)
            : workspaceValidator.ValidateCreateAsync(workspace, cancellationToken);

    ValueTask<ValidationResult> ValidateRAGEngineAsync(string operation, RAGEngine ragEngine, RAGEngine? old, CancellationToken cancellationToken) =>
        operation == "UPDATE"
            ? ragEngineValidator.ValidateUpdateAsync(ragEngine, old!, cancellationToken)
            : ragEngineValidator.ValidateCreateAsync(ragEngine, cancellationToken);

    ValueTask<ValidationResult> ValidateInferenceSetAsync(string operation, InferenceSet set, InferenceSet? old, CancellationToken cancellationToken) =>
        operation == "UPDATE"
            ? inferenceSetValidator.ValidateUpdateAsync(set, old!, cancellationToken)
            : inferenceSetValidator.ValidateCreateAsync(set, cancellationToken);

    static T? DecodeOld<T>(AdmissionRequest request) where T : class =>
        request.Operation == "UPDATE" ? Decode<T>(request.OldObject!.Value) : null;

    static T Decode<T>(JsonElement element) =>
        element.Deserialize<T>(TypedReviewJson.ReflectionKubernetesOptions) ?? throw new JsonException("the object is null");

    static bool IsBeingDeleted(JsonElement element) =>
        element.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
        && metadata.TryGetProperty("deletionTimestamp", out var deletion) && deletion.ValueKind == JsonValueKind.String;

    static string? TryName(JsonElement element)
    {
        if (!element.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object
            || !metadata.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            return null;
        // The object is kept as raw JSON, so its strings are first decoded here: invalid UTF-8 or a lone
        // surrogate escape throws, and a name that cannot be read is treated as no name.
        try
        {
            return name.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Kind} review read the tolerant way: {Problem}")]
    static partial void LogOnePassDeclined(ILogger logger, string kind, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "defaulting skipped for a malformed {Kind} (request uid {Uid}): {Problem}")]
    static partial void LogMalformed(ILogger logger, string uid, string kind, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "admission of {Kind} failed in {Path} (request uid {Uid})")]
    static partial void LogRuleFailure(ILogger logger, Exception exception, string uid, string kind, string path);
}

/// <summary>What <see cref="AdmissionHandler.AnswerAsync"/> gives: a response, or why the body is not an AdmissionReview (HTTP 400).</summary>
public readonly record struct AdmissionAnswer(AdmissionResponse? Response, string? NotAReview);

/// <summary>Thrown by validators to attribute an unexpected failure to the field being checked.</summary>
public sealed class RuleFailedException(string path, Exception inner) : Exception($"rule for {path} failed", inner)
{
    public string Path { get; } = path;
}
