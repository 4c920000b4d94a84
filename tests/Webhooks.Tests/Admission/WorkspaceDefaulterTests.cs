using System.Text.Json;
using System.Text.Json.Nodes;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Defaulting;
using Kaito.Webhooks.Validation;
using Kaito.Presets;

namespace Kaito.Webhooks.Tests.Admission;

public sealed class WorkspaceDefaulterTests
{
    static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void Adapter_without_strength_gets_1_0_and_nothing_else_changes()
    {
        var workspace = Parse("""
            {"metadata":{"name":"w"},"resource":{"instanceType":"Standard_NC6s_v3","labelSelector":{"matchLabels":{"a":"b"}}},
             "inference":{"preset":{"name":"phi-3-mini-4k-instruct"},"adapters":[{"source":{"name":"a","image":"r.io/a:1"}},{"source":{"name":"b","image":"r.io/b:1"},"strength":"1.0"}]}}
            """);

        var result = new WorkspaceDefaulter(new AdmissionSettings()).Default(workspace, isCreate: true);

        var operation = Assert.Single(result.Operations);
        Assert.Equal(("add", "/inference/adapters/0/strength", "1.0"), (operation.Op, operation.Path, operation.Value!.GetValue<string>()));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Fully_specified_workspace_needs_no_patch()
    {
        var workspace = Parse("""
            {"metadata":{"name":"w"},"resource":{"instanceType":"Standard_NC6s_v3","labelSelector":{"matchLabels":{"a":"b"}}},
             "inference":{"preset":{"name":"phi-3-mini-4k-instruct"}}}
            """);

        Assert.Empty(new WorkspaceDefaulter(new AdmissionSettings()).Default(workspace, isCreate: true).Operations);
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"w"},""", "/metadata/annotations")]
    [InlineData("""{"metadata":{"name":"w","annotations":{"x":"y"}},""", "/metadata/annotations/kaito.sh~1runtime")]
    public void Partial_adapter_strength_without_a_runtime_selects_transformers_with_a_warning(string metadata, string expectedPath)
    {
        var workspace = Parse(metadata + """
             "resource":{"instanceType":"Standard_NC12s_v3","labelSelector":{"matchLabels":{"a":"b"}}},
             "inference":{"preset":{"name":"falcon-7b"},"adapters":[{"source":{"name":"a","image":"r.io/a:1"},"strength":"0.2"}]}}
            """);

        var result = new WorkspaceDefaulter(new AdmissionSettings()).Default(workspace, isCreate: true);
        var patched = JsonObject.Create(workspace)!;
        JsonPatchApplier.Apply(patched, result.Operations);

        Assert.Contains(result.Operations, o => o.Path == expectedPath);
        Assert.Equal("transformers", patched["metadata"]!["annotations"]!["kaito.sh/runtime"]!.GetValue<string>());
        Assert.Contains(result.Warnings, w => w.Contains("transformers", StringComparison.Ordinal));
    }

    [Fact]
    public void Explicit_runtime_is_never_overridden()
    {
        var workspace = Parse("""
            {"metadata":{"name":"w","annotations":{"kaito.sh/runtime":"vllm"}},"resource":{"instanceType":"Standard_NC12s_v3","labelSelector":{"matchLabels":{"a":"b"}}},
             "inference":{"preset":{"name":"falcon-7b"},"adapters":[{"source":{"name":"a","image":"r.io/a:1"},"strength":"0.2"}]}}
            """);

        Assert.Empty(new WorkspaceDefaulter(new AdmissionSettings()).Default(workspace, isCreate: true).Operations);
    }

    [Fact]
    public void Tuning_method_is_lower_cased()
    {
        var workspace = Parse("""{"metadata":{"name":"w"},"resource":{"instanceType":"Standard_NC6s_v3"},"tuning":{"method":"QLoRA"}}""");

        var operation = Assert.Single(new WorkspaceDefaulter(new AdmissionSettings()).Default(workspace, isCreate: true).Operations);

        Assert.Equal(("replace", "/tuning/method", "qlora"), (operation.Op, operation.Path, operation.Value!.GetValue<string>()));
    }

    [Fact]
    public void Missing_instance_type_becomes_the_cheapest_single_node_sku_that_fits_on_create_only()
    {
        var workspace = Parse("""{"metadata":{"name":"w"},"resource":{"labelSelector":{"matchLabels":{"a":"b"}}},"inference":{"preset":{"name":"phi-4"}}}""");
        var defaulter = new WorkspaceDefaulter(new AdmissionSettings());

        var created = defaulter.Default(workspace, isCreate: true);
        var updated = defaulter.Default(workspace, isCreate: false);

        var operation = Assert.Single(created.Operations);
        Assert.Equal("/resource/instanceType", operation.Path);
        var chosen = operation.Value!.GetValue<string>();
        var model = Kaito.Presets.ModelCatalog.Default.Find("phi-4")!;
        var skus = Kaito.Presets.SkuCatalog.Default.For("azure");
        var plan = Kaito.Presets.CapacityPlanner.Plan(new Kaito.Presets.PlanRequest(model, skus.Single(s => s.Name == chosen).Shape));
        Assert.True(plan.Fits);
        Assert.Equal(1, plan.Nodes);
        // No single-node SKU that is cheaper also fits.
        var price = skus.Single(s => s.Name == chosen).ApproxHourlyUsd;
        Assert.All(skus.Where(s => s.ApproxHourlyUsd < price), s =>
        {
            var p = Kaito.Presets.CapacityPlanner.Plan(new Kaito.Presets.PlanRequest(model, s.Shape));
            Assert.False(p.Fits && p.Nodes == 1, s.Name);
        });
        Assert.Contains(created.Warnings, w => w.Contains(chosen, StringComparison.Ordinal));
        Assert.Empty(updated.Operations);
    }

    [Fact]
    public void Bring_your_own_nodes_get_no_instance_type()
    {
        var workspace = Parse("""{"metadata":{"name":"w"},"resource":{"labelSelector":{"matchLabels":{"a":"b"}}},"inference":{"preset":{"name":"phi-4"}}}""");

        Assert.Empty(new WorkspaceDefaulter(new AdmissionSettings(NodeProvisioning.BringYourOwn)).Default(workspace, isCreate: true).Operations);
    }

    [Fact]
    public void Ragengine_persistent_volume_gets_the_default_mount_path()
    {
        var rag = Parse("""{"spec":{"storage":{"persistentVolume":{"persistentVolumeClaim":"pvc"}}}}""");

        var operation = Assert.Single(RAGEngineDefaulter.Default(rag).Operations);

        Assert.Equal(("/spec/storage/persistentVolume/mountPath", "/mnt/data"), (operation.Path, operation.Value!.GetValue<string>()));
    }

    [Fact]
    public void Adapters_are_counted_as_listed_and_only_objects_get_a_strength()
    {
        var workspace = Parse("""{"metadata":{"name":"w"},"resource":{"instanceType":"Standard_NC6s_v3"},"inference":{"preset":{"name":"phi-4"},"adapters":["x",null,{"strength":null}]}}""");

        var operation = Assert.Single(new WorkspaceDefaulter(new AdmissionSettings()).Default(workspace, isCreate: true).Operations);

        Assert.Equal("/inference/adapters/2/strength", operation.Path);
    }

    [Theory]
    [InlineData("""{"metadata":"w","inference":{"adapters":[{"strength":"0.5"}]}}""")]
    [InlineData("""{"metadata":{"name":"w"},"inference":"phi-4","resource":{}}""")]
    [InlineData("""{"metadata":{"name":"w"},"resource":{},"tuning":["lora"]}""")]
    public void A_field_that_is_not_an_object_where_one_is_read_throws_so_the_object_is_admitted_unchanged(string json) =>
        Assert.Throws<InvalidOperationException>(() => new WorkspaceDefaulter(new AdmissionSettings()).Default(Parse(json), isCreate: true));

    [Fact]
    public void Adapters_that_are_not_a_list_have_nothing_to_default()
    {
        var workspace = Parse("""{"metadata":{"name":"w"},"resource":{"instanceType":"Standard_NC6s_v3"},"inference":{"preset":{"name":"phi-4"},"adapters":"a"}}""");

        Assert.Same(DefaultingResult.None, new WorkspaceDefaulter(new AdmissionSettings()).Default(workspace, isCreate: true));
    }
}
