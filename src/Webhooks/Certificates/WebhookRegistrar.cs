using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Admission;

namespace Kaito.Webhooks.Certificates;

/// <summary>Where the API server reaches the webhooks: a URL (local process) or an in-cluster Service.</summary>
public sealed record WebhookEndpoint(string? BaseUrl = null, string? ServiceName = null, string? ServiceNamespace = null, int ServicePort = 443)
{
    public Admissionregistrationv1WebhookClientConfig ClientConfig(string path, string caPem) => BaseUrl is not null
        ? new() { Url = BaseUrl.TrimEnd('/') + path, CaBundle = Encoding.UTF8.GetBytes(caPem) }
        : new()
        {
            Service = new Admissionregistrationv1ServiceReference { Name = ServiceName, NamespaceProperty = ServiceNamespace, Path = path, Port = ServicePort },
            CaBundle = Encoding.UTF8.GetBytes(caPem),
        };
}

/// <summary>
/// Either owns the mutating and validating webhook configurations (<see cref="RegisterAsync"/>: creates or updates
/// them whole with the current CA, by server-side apply; the local `make up` operator) or only keeps the caBundle
/// of configurations someone else created current (<see cref="InjectCaBundleAsync"/>: the Helm charts).
/// Status subresources are not matched: the operator's status writes never pass through spec rules.
/// </summary>
public sealed class WebhookRegistrar(IKubernetes client, WebhookEndpoint endpoint)
{
    /// <summary>Configurations are named &lt;prefix&gt;-mutating-webhooks and &lt;prefix&gt;-validating-webhooks (the Helm charts use their release's prefix).</summary>
    public string ConfigurationPrefix { get; init; } = "kaito";

    public IReadOnlyList<AdmissionKind> Kinds { get; init; } = AdmissionKind.All;

    /// <summary>Never admitted through these webhooks (kubernetes.io/metadata.name, set on every namespace since 1.21).</summary>
    public IReadOnlyList<string> ExcludedNamespaces { get; init; } = ["kube-system"];

    public string MutatingName => ConfigurationPrefix + "-mutating-webhooks";

    public string ValidatingName => ConfigurationPrefix + "-validating-webhooks";

    /// <summary>
    /// A namespace labelled <c>kaito.sh/admission: disabled</c> is skipped by the webhooks (like knative's
    /// exclude label): an escape hatch for cluster admins (tenants normally cannot label namespaces), used
    /// by the schema round-trip tests.
    /// </summary>
    public const string ExcludeLabel = "kaito.sh/admission";
    const string FieldManager = "kaito-operator";

    public async Task RegisterAsync(string caPem, CancellationToken cancellationToken)
    {
        var mutating = new V1MutatingWebhookConfiguration
        {
            ApiVersion = "admissionregistration.k8s.io/v1",
            Kind = "MutatingWebhookConfiguration",
            Metadata = new V1ObjectMeta { Name = MutatingName },
            Webhooks = [.. Kinds.Select(k => new V1MutatingWebhook
            {
                Name = $"mutation.{k.WebhookSuffix}",
                ClientConfig = endpoint.ClientConfig(k.MutatePath, caPem),
                Rules = Rules(k),
                AdmissionReviewVersions = ["v1"],
                SideEffects = "None",
                FailurePolicy = "Fail",
                MatchPolicy = "Equivalent",
                TimeoutSeconds = 10,
                ReinvocationPolicy = "Never",
                NamespaceSelector = NotExcluded(),
            })],
        };
        var validating = new V1ValidatingWebhookConfiguration
        {
            ApiVersion = "admissionregistration.k8s.io/v1",
            Kind = "ValidatingWebhookConfiguration",
            Metadata = new V1ObjectMeta { Name = ValidatingName },
            Webhooks = [.. Kinds.Select(k => new V1ValidatingWebhook
            {
                Name = $"validation.{k.WebhookSuffix}",
                ClientConfig = endpoint.ClientConfig(k.ValidatePath, caPem),
                Rules = Rules(k),
                AdmissionReviewVersions = ["v1"],
                SideEffects = "None",
                FailurePolicy = "Fail",
                MatchPolicy = "Equivalent",
                TimeoutSeconds = 10,
                NamespaceSelector = NotExcluded(),
            })],
        };
        await client.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(
            new V1Patch(mutating, V1Patch.PatchType.ApplyPatch), MutatingName, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
        await client.AdmissionregistrationV1.PatchValidatingWebhookConfigurationAsync(
            new V1Patch(validating, V1Patch.PatchType.ApplyPatch), ValidatingName, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Keeps the caBundle of every webhook in the two configurations equal to <paramref name="caPem"/> and
    /// touches nothing else: the configurations belong to whoever created them (the Helm chart), so their rules,
    /// clientConfig target, selectors, timeout and failure policy stay as the chart's values say. One JSON patch per
    /// configuration, guarded by a test of each webhook's name; no write when every caBundle already matches.
    /// Returns how many configurations were patched.
    /// </summary>
    public async Task<int> InjectCaBundleAsync(string caPem, CancellationToken cancellationToken)
    {
        var ca = Encoding.UTF8.GetBytes(caPem);
        var patched = 0;
        var mutating = await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(MutatingName, cancellationToken: cancellationToken);
        if (CaBundlePatch(mutating.Webhooks?.Select(w => (w.Name, w.ClientConfig?.CaBundle)), ca) is { } mutatingPatch)
        {
            await client.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(mutatingPatch, MutatingName, fieldManager: FieldManager, cancellationToken: cancellationToken);
            patched++;
        }
        var validating = await client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(ValidatingName, cancellationToken: cancellationToken);
        if (CaBundlePatch(validating.Webhooks?.Select(w => (w.Name, w.ClientConfig?.CaBundle)), ca) is { } validatingPatch)
        {
            await client.AdmissionregistrationV1.PatchValidatingWebhookConfigurationAsync(validatingPatch, ValidatingName, fieldManager: FieldManager, cancellationToken: cancellationToken);
            patched++;
        }
        return patched;
    }

    /// <summary>The JSON patch that sets caBundle on each webhook lacking <paramref name="ca"/>; null when none does.</summary>
    public static V1Patch? CaBundlePatch(IEnumerable<(string Name, byte[]? CaBundle)>? webhooks, byte[] ca)
    {
        var operations = new JsonArray();
        var index = 0;
        foreach (var (name, current) in webhooks ?? [])
        {
            if (current is null || !current.AsSpan().SequenceEqual(ca))
            {
                operations.Add(new JsonObject { ["op"] = "test", ["path"] = $"/webhooks/{index}/name", ["value"] = name });
                operations.Add(new JsonObject { ["op"] = "add", ["path"] = $"/webhooks/{index}/clientConfig/caBundle", ["value"] = Convert.ToBase64String(ca) });
            }
            index++;
        }
        return operations.Count == 0 ? null : new V1Patch(operations.ToJsonString(), V1Patch.PatchType.JsonPatch);
    }

    V1LabelSelector NotExcluded() => new()
    {
        MatchExpressions =
        [
            new V1LabelSelectorRequirement { Key = ExcludeLabel, OperatorProperty = "NotIn", Values = ["disabled"] },
            new V1LabelSelectorRequirement { Key = "kubernetes.io/metadata.name", OperatorProperty = "NotIn", Values = [.. ExcludedNamespaces.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] },
        ],
    };

    static List<V1RuleWithOperations> Rules(AdmissionKind kind) =>
    [
        new()
        {
            ApiGroups = [KaitoGroup.Name],
            ApiVersions = ["v1alpha1", "v1beta1"],
            Resources = [kind.Plural],
            Operations = ["CREATE", "UPDATE"],
            Scope = "Namespaced",
        },
    ];
}
