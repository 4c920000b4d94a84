using System.Text.Json.Nodes;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class AdapterRulesTests
{
    static AdapterSpec Adapter(string name, string? strength = null) =>
        new() { Source = new DataSource { Name = name, Image = $"registry.io/{name}:1" }, Strength = strength };

    static Workspace With(params AdapterSpec[] adapters)
    {
        var workspace = Inference();
        workspace.Inference!.Adapters = adapters;
        return workspace;
    }

    [Fact]
    public void Valid_adapters_pass_on_create_and_update()
    {
        Valid(Create(With(Adapter("a"), Adapter("b", "1.0"))));
        Valid(Update(With(Adapter("a"), Adapter("b", "1")), Inference()));
    }

    [Fact]
    public void At_most_ten_also_on_update()
    {
        var many = Enumerable.Range(0, 11).Select(i => Adapter($"a{i}")).ToArray();
        Single(Create(With(many)), "inference.adapters", FieldErrorType.TooMany);
        Single(Update(With(many), Inference()), "inference.adapters", FieldErrorType.TooMany);
    }

    [Fact]
    public void Source_is_required_and_never_crashes()
    {
        Single(Create(With(new AdapterSpec { Strength = "1.0" })), "inference.adapters[0].source", FieldErrorType.Required);
        Single(Update(With(new AdapterSpec()), Inference()), "inference.adapters[0].source", FieldErrorType.Required);
    }

    [Fact]
    public void Name_is_required_and_a_dns_subdomain()
    {
        var unnamed = Adapter("x");
        unnamed.Source!.Name = null;
        Single(Create(With(unnamed)), "inference.adapters[0].source.name", FieldErrorType.Required);
        var bad = Adapter("x");
        bad.Source!.Name = "My_Adapter";
        Single(Create(With(bad)), "inference.adapters[0].source.name", FieldErrorType.Invalid);
    }

    [Fact]
    public void Name_starts_with_a_letter_because_the_model_server_reads_its_strength_from_a_variable_of_that_name()
    {
        var error = Single(Create(With(Adapter("3-adapter"))), "inference.adapters[0].source.name", FieldErrorType.Invalid);
        Assert.Contains("environment variable", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_names()
    {
        var error = Single(Create(With(Adapter("a"), Adapter("b"), Adapter("a"))), "inference.adapters[2].source.name", FieldErrorType.Duplicate);
        Assert.Equal("a", error.Value);
    }

    [Fact]
    public void Exactly_one_of_image_or_volume_and_no_urls()
    {
        var neither = Adapter("a");
        neither.Source!.Image = null;
        Single(Create(With(neither)), "inference.adapters[0].source", FieldErrorType.Required);

        var both = Adapter("a");
        both.Source!.VolumeSource = new JsonObject { ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = "pvc" } };
        Single(Create(With(both)), "inference.adapters[0].source.volumeSource", FieldErrorType.Forbidden);

        var volume = Adapter("a");
        volume.Source!.Image = null;
        volume.Source.VolumeSource = new JsonObject { ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = "pvc" } };
        Valid(Create(With(volume)));

        var urls = Adapter("a");
        urls.Source!.Urls = ["https://example.com/adapter.safetensors"];
        Single(Create(With(urls)), "inference.adapters[0].source.urls", FieldErrorType.Forbidden);
    }

    [Fact]
    public void Image_must_parse()
    {
        var adapter = Adapter("a");
        adapter.Source!.Image = "https://registry.io/a:1";
        Single(Create(With(adapter)), "inference.adapters[0].source.image", FieldErrorType.Invalid);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("NaN")]
    [InlineData("1e-1")]
    public void Strength_must_be_a_decimal_between_zero_and_one(string strength)
    {
        var workspace = With(Adapter("a", strength));
        workspace.Metadata.Annotations = new Dictionary<string, string> { [Annotations.Runtime] = Runtimes.Transformers };
        Assert.Equal(strength, Single(Create(workspace), "inference.adapters[0].strength", FieldErrorType.Invalid).Value);
    }

    [Theory]
    [InlineData("0.2")]
    [InlineData("0")]
    [InlineData("0.99")]
    public void Strength_below_one_needs_transformers(string strength)
    {
        var vllm = With(Adapter("a", strength));
        vllm.Metadata.Annotations = new Dictionary<string, string> { [Annotations.Runtime] = Runtimes.Vllm };
        var error = Single(Create(vllm), "inference.adapters[0].strength", FieldErrorType.Forbidden);
        Assert.Contains("transformers", error.Detail, StringComparison.Ordinal);

        var transformers = With(Adapter("a", strength));
        transformers.Metadata.Annotations = new Dictionary<string, string> { [Annotations.Runtime] = Runtimes.Transformers };
        Valid(Create(transformers));

        // Without the annotation (the defaulter adds it), the Workspace runs on transformers, as the reconciler will run it.
        Valid(Create(With(Adapter("a", strength))));
    }
}
