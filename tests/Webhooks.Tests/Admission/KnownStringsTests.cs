using System.Text;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Admission.Reading;

namespace Kaito.Webhooks.Tests.Admission;

public sealed class KnownStringsTests
{
    static readonly string[] Values =
        ["CREATE", "UPDATE", "kaito.sh", "v1beta1", "Standard_NC24ads_A100_v4", "Standard_NC48ads_A100_v4", "Standard_NC96ads_A100_v4", "modèle-é", "a"];

    [Fact]
    public void Every_held_value_is_found_as_the_held_instance()
    {
        var known = new KnownStrings(Values);
        foreach (var value in Values)
            Assert.Same(value, known.Find(Encoding.UTF8.GetBytes(value)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("CREATe")]
    [InlineData("CREATE ")]
    [InlineData("Standard_NC24ads_A100_v5")]
    [InlineData("Standard_NC24ads_A100_v")]
    [InlineData("b")]
    [InlineData("kaito.sh/v1beta1")]
    public void Anything_else_is_not_found(string text) =>
        Assert.Null(new KnownStrings(Values).Find(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Empty_and_repeated_values_are_held_once_and_an_empty_set_finds_nothing()
    {
        var known = new KnownStrings(["", "CREATE", "CREATE"]);
        Assert.Equal("CREATE", known.Find("CREATE"u8));
        Assert.Null(known.Find(""u8));
        Assert.Null(new KnownStrings([]).Find("CREATE"u8));
    }

    [Fact]
    public void A_large_set_finds_each_of_its_values_and_nothing_near_them()
    {
        var values = Enumerable.Range(0, 2_000).Select(i => $"value-{i}").ToList();
        var known = new KnownStrings(values);
        Assert.All(values, v => Assert.Same(v, known.Find(Encoding.UTF8.GetBytes(v))));
        Assert.All(Enumerable.Range(2_000, 500), i => Assert.Null(known.Find(Encoding.UTF8.GetBytes($"value-{i}"))));
    }

    [Fact]
    public void The_review_strings_hold_the_envelope_the_group_and_the_catalogs()
    {
        var known = ReviewStrings.Known;
        foreach (var value in new[] { "admission.k8s.io/v1", "AdmissionReview", "CREATE", KaitoGroup.Name, KaitoGroup.V1Beta1, "v1alpha1", "Workspace", "inferencesets", "phi-3.5-mini-instruct", "Standard_NC24ads_A100_v4" })
            Assert.Equal(value, known.Find(Encoding.UTF8.GetBytes(value)));
    }

    [Fact]
    public void Validation_reads_a_known_value_as_the_held_instance_and_an_escaped_one_by_decoding_it()
    {
        var held = ReviewStrings.Known.Find("CREATE"u8)!;
        var plain = Read("""{"request":{"uid":"u","operation":"CREATE","object":{"resource":{"instanceType":"Standard_NC24ads_A100_v4"}}}}""");
        Assert.Same(held, plain.Operation);
        Assert.Same(ReviewStrings.Known.Find("Standard_NC24ads_A100_v4"u8), plain.Object!.Resource!.InstanceType);
        var escaped = Read("""{"request":{"uid":"u","operation":"CR\u0045ATE"}}""");
        Assert.Equal("CREATE", escaped.Operation);
        Assert.NotSame(held, escaped.Operation);

        static TypedAdmissionRequest<Workspace> Read(string json) =>
            TypedReviewJson.Review<Workspace>.Reader.Read(Encoding.UTF8.GetBytes(json))!.Request!;
    }
}
