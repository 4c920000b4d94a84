using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Webhooks.Admission.Reading;

namespace Kaito.Webhooks.Admission;

/// <summary>
/// Values a review of ours repeats, held once so that reading a review does not make them anew per request: the
/// envelope's constants, the group, versions, kinds and resources, and the catalogs' model and SKU names.
/// </summary>
public static class ReviewStrings
{
    public static KnownStrings Known { get; } = new(
    [
        AdmissionReviewEnvelope.ApiVersionV1, "AdmissionReview", "CREATE", "UPDATE", "DELETE", "CONNECT",
        KaitoGroup.Name, KaitoGroup.V1Beta1, KaitoGroup.V1Alpha1, VersionOf(KaitoGroup.V1Beta1), VersionOf(KaitoGroup.V1Alpha1),
        .. AdmissionKind.All.SelectMany(kind => new[] { kind.Kind, kind.Plural }),
        "default",
        .. ModelCatalog.Default.Models.Select(model => model.Name),
        .. SkuCatalog.Default.Clouds.SelectMany(SkuCatalog.Default.For).Select(sku => sku.Name),
    ]);

    static string VersionOf(string apiVersion) => apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];
}
