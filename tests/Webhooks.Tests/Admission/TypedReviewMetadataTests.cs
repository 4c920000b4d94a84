using System.Text.Json.Serialization.Metadata;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Admission;
using Xunit.Abstractions;

namespace Kaito.Webhooks.Tests.Admission;

/// <summary>
/// The one-pass reading must find compile-time metadata for every type of a review: a type left to the reflection
/// resolver is set property by property through reflection under Native AOT, several times slower. (Every type was, until
/// 2026-12-03: the generated context was still null when the options were built.)
/// </summary>
public sealed class TypedReviewMetadataTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(typeof(TypedAdmissionReview<Workspace>))]
    [InlineData(typeof(TypedAdmissionReview<RAGEngine>))]
    [InlineData(typeof(TypedAdmissionReview<InferenceSet>))]
    public void Every_type_of_a_typed_review_has_generated_metadata(Type root)
    {
        var options = TypedReviewJson.KubernetesOptions;
        var reflected = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([root]);
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type)) continue;
            var info = options.GetTypeInfo(type);
            if (info.Kind == JsonTypeInfoKind.None) continue;
            if (info.OriginatingResolver is DefaultJsonTypeInfoResolver) reflected.Add(type.FullName ?? type.Name);
            foreach (var property in info.Properties) pending.Push(property.PropertyType);
            if (info.ElementType is { } element) pending.Push(element);
            if (info.KeyType is { } key) pending.Push(key);
        }
        output.WriteLine($"{seen.Count} types reached from {root.Name}");
        Assert.True(reflected.Count == 0, $"read through reflection: {string.Join(", ", reflected)}");
    }
}
