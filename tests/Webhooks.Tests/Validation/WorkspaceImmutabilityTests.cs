using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class WorkspaceImmutabilityTests
{
    static FieldError Changed(Action<Workspace> change, string path, Func<Workspace>? make = null, AdmissionSettings? settings = null)
    {
        make ??= Inference;
        var updated = make();
        change(updated);
        var error = Single(Update(updated, make(), settings), path, FieldErrorType.Forbidden);
        Assert.Contains("recreate", error.Detail, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void Unchanged_update_is_valid()
    {
        Valid(Update(Inference(), Inference()));
        Valid(Update(Tuning(), Tuning()));
    }

    [Fact]
    public void Inference_and_tuning_cannot_be_toggled()
    {
        var updated = Inference();
        updated.Inference = null;
        updated.Tuning = Tuning().Tuning;
        var result = Update(updated, Inference());
        Has(result, "inference", FieldErrorType.Forbidden);
        Has(result, "tuning", FieldErrorType.Forbidden);
    }

    [Fact]
    public void Count_partition_and_selector_are_immutable()
    {
        Changed(w => w.Resource!.Count = 3, "resource.count");
        Changed(w => w.Resource!.LabelSelector!.MatchLabels["apps"] = "other", "resource.labelSelector");
        var byo = Byo with { Gates = new FeatureGates(EnableMig: true) };
        Changed(w => w.Resource!.Partition = new PartitionSpec { Mode = "mig", Profile = "1g.10gb" }, "resource.partition", ByoInference, byo);
    }

    [Fact]
    public void Selector_is_compared_semantically()
    {
        var updated = Inference();
        updated.Resource!.LabelSelector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = "apps", OperatorProperty = "In", Values = ["phi-3"] }] };
        Valid(Update(updated, Inference()));
    }

    [Fact]
    public void Instance_type_is_set_once()
    {
        Changed(w => w.Resource!.InstanceType = "Standard_NC48ads_A100_v4", "resource.instanceType");

        var old = Inference();
        old.Resource!.InstanceType = null;
        Valid(Update(Inference(), old));

        var updated = Inference();
        updated.Resource!.InstanceType = "standard_nc24ads_a100_v4";
        Valid(Update(updated, Inference()));
    }

    [Fact]
    public void Byo_may_clear_a_legacy_instance_type()
    {
        var old = ByoInference();
        old.Resource!.InstanceType = "Standard_NC24ads_A100_v4";
        Valid(Update(ByoInference(), old, Byo));
    }

    [Fact]
    public void Preset_is_immutable_but_case_of_name_is_not_a_change()
    {
        Changed(w => w.Inference!.Preset!.Name = "phi-3-mini-128k-instruct", "inference.preset");
        Changed(w => w.Inference!.Preset!.PresetOptions = new PresetOptions { ModelAccessSecret = "hf" }, "inference.preset");
        var updated = Inference();
        updated.Inference!.Preset!.Name = "PHI-3-Mini-4k-Instruct";
        Valid(Update(updated, Inference()));
    }

    [Fact]
    public void Template_presence_is_immutable()
    {
        static Workspace WithTemplate()
        {
            var w = Inference();
            w.Inference!.Preset = null;
            w.Inference.Template = new V1PodTemplateSpec();
            return w;
        }
        var updated = WithTemplate();
        updated.Inference!.Template = null;
        updated.Inference.Preset = new PresetSpec { Name = "phi-3-mini-4k-instruct" };
        var result = Update(updated, WithTemplate());
        Has(result, "inference.template", FieldErrorType.Forbidden);
        Has(result, "inference.preset", FieldErrorType.Forbidden);

        var content = WithTemplate();
        content.Inference!.Template!.Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["x"] = "y" } };
        Valid(Update(content, WithTemplate()));
    }

    [Fact]
    public void Tuning_preset_method_and_input_name_are_immutable()
    {
        Changed(w => w.Tuning!.Preset!.Name = "phi-3-mini-4k-instruct", "tuning.preset", Tuning);
        Changed(w => w.Tuning!.Method = "lora", "tuning.method", Tuning);
        Changed(w => w.Tuning!.Input!.Name = "data2", "tuning.input.name", Tuning);
        var sameMethod = Tuning();
        sameMethod.Tuning!.Method = "QLORA";
        Valid(Update(sameMethod, Tuning()));
    }

    [Fact]
    public void Mutable_fields_may_change()
    {
        var updated = Inference();
        updated.Resource!.PreferredNodes = ["n1"];
        updated.Inference!.Adapters = [new AdapterSpec { Source = new DataSource { Name = "a", Image = "registry.io/a:1" } }];
        var result = Update(updated, Inference());
        Valid(result);
    }

    [Fact]
    public void Config_is_read_only_when_its_name_changes()
    {
        var old = Inference();
        old.Inference!.Config = "params";
        var updated = Inference();
        updated.Inference!.Config = "params";
        Valid(Update(updated, old, cluster: new FakeCluster()));
        updated.Inference.Config = "params-2";
        Single(Update(updated, old, cluster: new FakeCluster()), "inference.config", FieldErrorType.Invalid);
    }

    [Fact]
    public void Create_rules_still_apply_on_update()
    {
        var updated = Inference();
        updated.Metadata.Annotations = new Dictionary<string, string> { [Annotations.PerformanceMode] = "fast", [Annotations.Runtime] = Runtimes.Vllm };
        updated.Inference!.Adapters = [new AdapterSpec { Source = new DataSource { Name = "a", Image = "registry.io/a:1" }, Strength = "0.5" }];
        var result = Update(updated, Inference());
        Assert.Equal(["inference.adapters[0].strength:Forbidden", "metadata.annotations[kaito.sh/performance-mode]:NotSupported"],
            result.Errors.Select(e => $"{e.Path}:{e.Type}"));
    }
}
