using System.Text;
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
/// Creates or updates the mutating and validating webhook configurations with the current CA, by
/// server-side apply. Status subresources are not matched: the operator's status writes never pass
/// through spec rules.
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
