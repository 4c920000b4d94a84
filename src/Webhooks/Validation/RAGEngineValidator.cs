using System.Globalization;
using System.Text.RegularExpressions;
using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>Every admission rule for RAGEngine (kaito.sh/v1alpha1 and v1beta1), create and update.</summary>
public sealed partial class RAGEngineValidator(AdmissionSettings settings, IClusterLookup? cluster)
{
    public static readonly IReadOnlyList<string> VectorDbEngines = ["qdrant"];
    const string Fix = "delete and recreate the RAGEngine to change it";

    public AdmissionSettings Settings { get; } = settings;

    public IClusterLookup? Cluster { get; } = cluster;

    public async ValueTask<ValidationResult> ValidateCreateAsync(RAGEngine ragEngine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ragEngine);
        var errors = new FieldErrors();
        var warnings = new List<string>();
        await ValidateAsync(ragEngine, null, errors, warnings, cancellationToken);
        return ValidationResult.From(errors, warnings);
    }

    /// <summary>The create rules again (the guardrails ConfigMap only when its reference changed), plus compute immutability.</summary>
    public async ValueTask<ValidationResult> ValidateUpdateAsync(RAGEngine ragEngine, RAGEngine old, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ragEngine);
        ArgumentNullException.ThrowIfNull(old);
        var errors = new FieldErrors();
        var warnings = new List<string>();
        await ValidateAsync(ragEngine, old, errors, warnings, cancellationToken);

        var compute = ragEngine.Spec?.Compute;
        var oldCompute = old.Spec?.Compute;
        if (compute is null && oldCompute is not null) errors.Forbidden("spec.compute", "compute cannot be removed after creation; " + Fix);
        else if (compute is not null && oldCompute is null) errors.Forbidden("spec.compute", "compute cannot be added after creation; " + Fix);
        else if (compute is not null && oldCompute is not null)
        {
            if (!string.Equals(compute.InstanceType ?? "", oldCompute.InstanceType ?? "", StringComparison.OrdinalIgnoreCase))
                errors.Forbidden("spec.compute.instanceType", "field is immutable; " + Fix);
            if (!LabelSelectorRules.SemanticallyEqual(compute.LabelSelector, oldCompute.LabelSelector))
                errors.Forbidden("spec.compute.labelSelector", "field is immutable; " + Fix);
        }
        return ValidationResult.From(errors, warnings);
    }

    async Task ValidateAsync(RAGEngine rag, RAGEngine? old, FieldErrors errors, List<string> warnings, CancellationToken cancellationToken)
    {
        var name = rag.Metadata?.Name;
        if (string.IsNullOrEmpty(name)) errors.Required("metadata.name", "name the RAGEngine (a DNS label, e.g. ragengine-docs)");
        else if (!KubernetesNames.IsDns1123Label(name)) errors.Invalid("metadata.name", name, "must be a DNS label: " + KubernetesNames.LabelRule);

        var spec = rag.Spec;
        if (spec is null)
        {
            errors.Required("spec", "set spec.embedding (and optionally compute, storage, inferenceService)");
            return;
        }

        RuleGuard.Run("spec.embedding", () => ValidateEmbedding(spec.Embedding, errors));
        RuleGuard.Run("spec.inferenceService", () => ValidateInferenceService(spec.InferenceService, errors));
        if (spec.Compute is { } compute) RuleGuard.Run("spec.compute", () => ValidateCompute(compute, spec.Embedding?.Local is not null, rag.Metadata?.Annotations, errors, old is null ? warnings : null));
        RuleGuard.Run("spec.storage", () => ValidateStorage(spec.Storage, errors, warnings));

        if (spec.Guardrails is { Enabled: true, ConfigMapRef: { } reference })
        {
            var oldName = old?.Spec?.Guardrails is { Enabled: true } g ? g.ConfigMapRef?.Name : null;
            if (string.IsNullOrEmpty(reference.Name))
                errors.Required("spec.guardrails.configMapRef.name", "name a ConfigMap with key guardrails.yaml, or remove configMapRef to use the default policy");
            else if (reference.Name != oldName)
            {
                var @namespace = string.IsNullOrEmpty(rag.Metadata?.NamespaceProperty) ? "default" : rag.Metadata.NamespaceProperty;
                if (Cluster is null) warnings.Add($"guardrails ConfigMap {reference.Name} not checked: no cluster access");
                else await ConfigMapRules.ReadKeyAsync(Cluster, @namespace, reference.Name, ConfigMapRules.GuardrailsKey,
                    "spec.guardrails.configMapRef.name", "guardrails policy", errors, cancellationToken);
            }
        }

        if (!string.IsNullOrEmpty(spec.QueryServiceName)) warnings.Add("spec.queryServiceName is deprecated and ignored; the service is named after the RAGEngine");
        if (!string.IsNullOrEmpty(spec.IndexServiceName)) warnings.Add("spec.indexServiceName is deprecated and ignored; the service is named after the RAGEngine");
    }

    static void ValidateEmbedding(EmbeddingSpec? embedding, FieldErrors errors)
    {
        const string path = "spec.embedding";
        if (embedding is null)
        {
            errors.Required(path, "set embedding.local (a model run in the service) or embedding.remote (an endpoint)");
            return;
        }
        if (embedding.Local is null && embedding.Remote is null)
            errors.Required(path, "set exactly one of embedding.local or embedding.remote");
        else if (embedding.Local is not null && embedding.Remote is not null)
            errors.Forbidden($"{path}.remote", "set embedding.local or embedding.remote, not both; remove one");

        if (embedding.Local is { } local)
        {
            var hasImage = !string.IsNullOrEmpty(local.Image);
            var hasModel = !string.IsNullOrEmpty(local.ModelId);
            if (!hasImage && !hasModel) errors.Required($"{path}.local", "set local.modelID (a Hugging Face id such as BAAI/bge-small-en-v1.5) or local.image");
            else if (hasImage && hasModel) errors.Forbidden($"{path}.local.modelID", "set local.modelID or local.image, not both; remove one");
            if (hasImage && ImageReference.Problem(local.Image) is { } problem) errors.Invalid($"{path}.local.image", local.Image, problem);
            if (hasModel && Kaito.Presets.HuggingFaceRepoId.Problem(local.ModelId) is { } idProblem)
                errors.Invalid($"{path}.local.modelID", local.ModelId, $"not a Hugging Face model id: {idProblem}");
        }
        if (embedding.Remote is { } remote)
        {
            if (string.IsNullOrEmpty(remote.Url)) errors.Required($"{path}.remote.url", "set the embedding endpoint URL (http or https)");
            else if (UrlRules.HttpProblem(remote.Url) is { } problem) errors.Invalid($"{path}.remote.url", remote.Url, problem);
        }
    }

    static void ValidateInferenceService(InferenceServiceSpec? service, FieldErrors errors)
    {
        if (service is null) return;
        const string path = "spec.inferenceService";
        if (!string.IsNullOrEmpty(service.Url) && UrlRules.HttpProblem(service.Url) is { } problem)
            errors.Invalid($"{path}.url", service.Url, problem);
        if (service.ContextWindowSize is null)
            errors.Required($"{path}.contextWindowSize", "set the inference model's context window in tokens, for example 4096");
        else if (service.ContextWindowSize <= 0)
            errors.Invalid($"{path}.contextWindowSize", service.ContextWindowSize.Value.ToString(CultureInfo.InvariantCulture), "must be a positive number of tokens, for example 4096");
    }

    void ValidateCompute(ResourceSpec compute, bool runsEmbeddingModel, IDictionary<string, string>? annotations, FieldErrors errors, List<string>? warnings)
    {
        const string path = "spec.compute";
        LabelSelectorRules.Validate(compute.LabelSelector, $"{path}.labelSelector", Settings.AutoProvisioning, errors);
        if (string.IsNullOrEmpty(compute.InstanceType) || !Settings.AutoProvisioning) return;
        if (runsEmbeddingModel)
        {
            ResourceRules.ValidateInstanceType(compute.InstanceType, $"{path}.instanceType", Settings, errors, warnings, annotations);
        }
        else if (SkuCatalog.Default.HasCloud(Settings.Cloud) && SkuCatalog.Default.Find(Settings.Cloud, compute.InstanceType) is null
                 && !VmSizeFormat().IsMatch(compute.InstanceType))
        {
            // A remote embedding needs no GPU: any VM size is fine, as long as it looks like one.
            errors.Invalid($"{path}.instanceType", compute.InstanceType, "not a VM size name; use letters, digits, '.', '_' and '-', for example Standard_D8s_v3");
        }
    }

    static void ValidateStorage(StorageSpec? storage, FieldErrors errors, List<string> warnings)
    {
        if (storage is null) return;
        const string path = "spec.storage";
        var legacy = !string.IsNullOrEmpty(storage.PersistentVolumeClaim) || !string.IsNullOrEmpty(storage.MountPath);
        if (legacy)
        {
            if (storage.PersistentVolume is not null)
                errors.Forbidden($"{path}.persistentVolumeClaim", "the v1alpha1 fields persistentVolumeClaim/mountPath cannot be combined with persistentVolume; move them into persistentVolume");
            else
                warnings.Add("spec.storage.persistentVolumeClaim/mountPath are deprecated; use spec.storage.persistentVolume");
            ValidateVolume(storage.PersistentVolumeClaim, storage.MountPath, path, errors);
        }
        if (storage.PersistentVolume is { } volume)
        {
            if (string.IsNullOrEmpty(volume.PersistentVolumeClaim))
                errors.Required($"{path}.persistentVolume.persistentVolumeClaim", "name the PersistentVolumeClaim that stores the index");
            ValidateVolume(volume.PersistentVolumeClaim, volume.MountPath, $"{path}.persistentVolume", errors);
        }
        if (storage.VectorDB is { } vectorDb)
        {
            if (string.IsNullOrEmpty(vectorDb.Engine)) errors.Required($"{path}.vectorDB.engine", "supported: " + string.Join(", ", VectorDbEngines));
            else if (!VectorDbEngines.Contains(vectorDb.Engine, StringComparer.Ordinal)) errors.NotSupported($"{path}.vectorDB.engine", vectorDb.Engine, VectorDbEngines);
            if (string.IsNullOrEmpty(vectorDb.Url)) errors.Required($"{path}.vectorDB.url", "set the vector database URL (http or https)");
            else if (UrlRules.HttpProblem(vectorDb.Url) is { } problem) errors.Invalid($"{path}.vectorDB.url", vectorDb.Url, problem);
        }
    }

    static void ValidateVolume(string? claim, string? mountPath, string path, FieldErrors errors)
    {
        if (!string.IsNullOrEmpty(claim) && !KubernetesNames.IsDns1123Subdomain(claim))
            errors.Invalid($"{path}.persistentVolumeClaim", claim, "must be a PersistentVolumeClaim name: " + KubernetesNames.SubdomainRule);
        if (!string.IsNullOrEmpty(mountPath) && (!mountPath.StartsWith('/') || mountPath.Contains(':', StringComparison.Ordinal)))
            errors.Invalid($"{path}.mountPath", mountPath, "must be an absolute path such as /mnt/data");
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex VmSizeFormat();
}
