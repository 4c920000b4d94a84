using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Admission.Reading;

namespace Kaito.Webhooks.Admission;

/// <summary>
/// Compile-time metadata for the typed reviews, read with the Kubernetes client's converters (quantities,
/// int-or-string, times, enums as strings). Under Native AOT, the reflection-based metadata sets every property
/// through reflection; the generated metadata calls the setters directly.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TypedAdmissionReview<Workspace>))]
[JsonSerializable(typeof(TypedAdmissionReview<RAGEngine>))]
[JsonSerializable(typeof(TypedAdmissionReview<InferenceSet>))]
sealed partial class TypedReviewJson : JsonSerializerContext
{
    /// <summary>The client's own options (<see cref="Kubernetes"/>), reflection only: the tolerant path's reading, and the baseline the tests compare against.</summary>
    public static JsonSerializerOptions ReflectionKubernetesOptions { get; } = CaptureClientOptions();

    static JsonSerializerOptions? kubernetesOptions;

    /// <summary>The same options, with the generated metadata asked first.</summary>
    /// <remarks>Built on first use, not in a static initializer: initializers of a partial class run in file order, and
    /// the generated <see cref="JsonSerializerContext"/> part, whose initializer sets <c>Default</c>, may come after this
    /// one (it did: <c>Default</c> was still null, Combine dropped it, and every review was read through reflection).</remarks>
    public static JsonSerializerOptions KubernetesOptions => kubernetesOptions ??= CreateKubernetesOptions();

    /// <summary>The metadata of a typed review under <see cref="KubernetesOptions"/>, looked up once.</summary>
    public static class Review<T> where T : class
    {
        public static JsonTypeInfo<TypedAdmissionReview<T>> TypeInfo { get; } =
            (JsonTypeInfo<TypedAdmissionReview<T>>)KubernetesOptions.GetTypeInfo(typeof(TypedAdmissionReview<T>));

        /// <summary>
        /// The reader of <see cref="TypeInfo"/>, planned once, for validation: it does not decode kubectl's
        /// last-applied-configuration annotation (a copy of the whole object, escaped: often a request's largest string),
        /// which no rule reads.
        /// </summary>
        public static TypeInfoReader<TypedAdmissionReview<T>> Reader { get; } = new(TypeInfo, [LastAppliedConfiguration], ReviewStrings.Known);
    }

    /// <summary>The annotation validation leaves undecoded (<see cref="Review{T}.Reader"/>).</summary>
    public static MapEntryOmission LastAppliedConfiguration { get; } =
        new(typeof(V1ObjectMeta), "annotations", Annotations.KubectlLastAppliedConfiguration);

    static JsonSerializerOptions CreateKubernetesOptions()
    {
        var options = new JsonSerializerOptions(ReflectionKubernetesOptions);
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(
            Default ?? throw new InvalidOperationException("the generated review metadata is not initialized yet"),
            ReflectionKubernetesOptions.TypeInfoResolver);
        options.MakeReadOnly();
        return options;
    }

    static JsonSerializerOptions CaptureClientOptions()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(options => captured = options);
        return captured ?? throw new InvalidOperationException("KubernetesJson exposed no serializer options");
    }
}
