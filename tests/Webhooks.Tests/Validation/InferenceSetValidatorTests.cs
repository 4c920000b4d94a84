using Kaito.Api.V1Beta1;
using Kaito.Api.V1Beta1.Serialization;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

/// <summary>The set's own fields, and every Workspace rule on the Workspace it would make, named under spec.</summary>
public sealed class InferenceSetValidatorTests
{
    static InferenceSet Set(string extra = "", string preset = "phi-3.5-mini-instruct", string name = "phi-set", int replicas = 2) => YamlDocuments.Deserialize<InferenceSet>($$$"""
        apiVersion: kaito.sh/v1beta1
        kind: InferenceSet
        metadata: {name: {{{name}}}, namespace: default}
        spec:
          replicas: {{{replicas}}}
          labelSelector: {matchLabels: {apps: phi-set}}
        {{{extra}}}
          template:
            resource: {instanceType: Standard_NC24ads_A100_v4}
            inference: {preset: {name: {{{preset}}}}}
        """);

    static ValidationResult Create(InferenceSet set, AdmissionSettings? settings = null) =>
        new InferenceSetValidator(settings ?? Nap, null).ValidateCreateAsync(set, CancellationToken.None).GetAwaiter().GetResult();

    [Fact]
    public void The_example_is_valid() =>
        Valid(Create(YamlDocuments.Deserialize<InferenceSet>(File.ReadAllText(Kaito.Testing.RepositoryPaths.Combine("examples", "inferenceset", "kaito_inferenceset_phi_3.5-instruct.yaml")))));

    [Fact]
    public void Template_errors_are_named_under_spec_template_and_reported_together()
    {
        var result = Create(Set(extra: "  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: \"0%\"}}", preset: "phi-3.5-mini-instruc"));
        Has(result, "spec.template.inference.preset.name", FieldErrorType.NotSupported);
        Has(result, "spec.updateStrategy.rollingUpdate.maxUnavailable", FieldErrorType.Invalid);
        Assert.Equal(2, result.Errors.Count);
    }

    [Fact]
    public void The_instance_type_follows_the_provisioning_mode()
    {
        Single(Create(Set(), Byo), "spec.template.resource.instanceType", FieldErrorType.Forbidden);
        var missing = Set();
        missing.Spec!.Template!.Resource!.InstanceType = null;
        Single(Create(missing), "spec.template.resource.instanceType", FieldErrorType.Required);
    }

    [Fact]
    public void A_node_count_limit_below_replicas_times_nodes_per_replica_gives_the_numbers()
    {
        var error = Single(Create(Set(extra: "  nodeCountLimit: 1", replicas: 2)), "spec.nodeCountLimit", FieldErrorType.Invalid);
        Assert.Contains("2 replicas × 1 GPU node(s) each need 2", error.Message, StringComparison.Ordinal);
        Valid(Create(Set(extra: "  nodeCountLimit: 2", replicas: 2)));
    }

    [Fact]
    public void A_node_count_limit_on_an_undeclared_unlisted_size_is_admitted_with_a_warning_saying_how_to_check_it()
    {
        var set = Set(extra: "  nodeCountLimit: 1", replicas: 2);
        set.Spec!.Template!.Resource!.InstanceType = "Standard_ND96asr_v4";
        var result = Create(set);
        Valid(result);
        var warning = Assert.Single(result.Warnings, w => w.StartsWith("spec.nodeCountLimit", StringComparison.Ordinal));
        Assert.Contains("Standard_ND96asr_v4", warning, StringComparison.Ordinal);
        Assert.Contains("spec.template.metadata.annotations", warning, StringComparison.Ordinal);

        // Declared GPUs: the limit is checked at once, as for a listed size.
        set.Spec.Template.Metadata = new System.Text.Json.Nodes.JsonObject { ["annotations"] = new System.Text.Json.Nodes.JsonObject { ["kaito.sh/sku-gpus"] = "1x16Gi/V100" } };
        var declared = Create(set);
        Assert.DoesNotContain(declared.Warnings, w => w.StartsWith("spec.nodeCountLimit", StringComparison.Ordinal));
        Single(declared, "spec.nodeCountLimit", FieldErrorType.Invalid);
    }

    [Theory]
    [InlineData("{type: Recreate}", "spec.updateStrategy.type")]
    [InlineData("{rollingUpdate: {maxUnavailable: 0}}", "spec.updateStrategy.rollingUpdate.maxUnavailable")]
    [InlineData("{rollingUpdate: {maxUnavailable: \"150%\"}}", "spec.updateStrategy.rollingUpdate.maxUnavailable")]
    [InlineData("{rollingUpdate: {maxUnavailable: soon}}", "spec.updateStrategy.rollingUpdate.maxUnavailable")]
    public void An_update_strategy_the_rollout_cannot_follow_is_refused(string strategy, string path) =>
        Single(Create(Set(extra: $"  updateStrategy: {strategy}")), path, FieldErrorType.Invalid);

    [Theory]
    [InlineData("{type: OnDelete}")]
    [InlineData("{rollingUpdate: {maxUnavailable: 2}}")]
    [InlineData("{rollingUpdate: {maxUnavailable: \"25%\"}}")]
    public void Supported_update_strategies_pass(string strategy) => Valid(Create(Set(extra: $"  updateStrategy: {strategy}")));

    [Theory]
    [InlineData("{schedule: \"0 2 * * 6\", duration: 90m}", null)]
    [InlineData("{schedule: \"0 2 * *\"}", "spec.autoUpgrade.maintenanceWindow.schedule")]
    [InlineData("{schedule: \"61 2 * * 6\"}", "spec.autoUpgrade.maintenanceWindow.schedule")]
    [InlineData("{schedule: \"0 2 * * 6\", duration: 0h}", "spec.autoUpgrade.maintenanceWindow.duration")]
    [InlineData("{schedule: \"0 2 * * 6\", duration: 4 hours}", "spec.autoUpgrade.maintenanceWindow.duration")]
    public void Maintenance_windows_are_cron_and_a_positive_duration(string window, string? path)
    {
        var result = Create(Set(extra: $"  autoUpgrade: {{enabled: true, maintenanceWindow: {window}}}"));
        if (path is null) Valid(result);
        else Single(result, path, FieldErrorType.Invalid);
    }

    [Fact]
    public void A_name_too_long_for_its_replicas_workspace_names_says_how_long_it_may_be()
    {
        var error = Single(Create(Set(name: new string('a', 62), replicas: 10)), "metadata.name", FieldErrorType.Invalid);
        Assert.Contains("use at most 61 characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_cool_down_annotation_is_named()
    {
        var set = Set();
        set.Metadata.Annotations = new Dictionary<string, string> { ["inferenceset.kaito.sh/scale-down-cooldown"] = "soon" };
        Single(Create(set), "metadata.annotations[inferenceset.kaito.sh/scale-down-cooldown]", FieldErrorType.Invalid);
    }

    [Fact]
    public async Task The_label_selector_and_partition_are_immutable()
    {
        var old = Set();
        var changed = Set();
        changed.Spec!.LabelSelector!.MatchLabels["apps"] = "other";
        Single(await new InferenceSetValidator(Nap, null).ValidateUpdateAsync(changed, old, CancellationToken.None), "spec.labelSelector", FieldErrorType.Forbidden);
        Valid(await new InferenceSetValidator(Nap, null).ValidateUpdateAsync(Set(replicas: 5), old, CancellationToken.None));
    }

    [Fact]
    public void Keda_annotations_are_checked_each_by_its_key()
    {
        var set = Set(extra: "  nodeCountLimit: 4");
        set.Metadata.Annotations = new Dictionary<string, string>
        {
            ["scaledobject.kaito.sh/auto-provision"] = "true",
            ["scaledobject.kaito.sh/threshold"] = "lots",
            ["scaledobject.kaito.sh/metricname"] = "vllm:num_requests_waiting",
        };
        var result = Create(set);
        Has(result, "metadata.annotations[scaledobject.kaito.sh/threshold]", FieldErrorType.Invalid);
        Has(result, "metadata.annotations[scaledobject.kaito.sh/metricname]", FieldErrorType.Invalid);
        Assert.Equal(2, result.Errors.Count);

        set.Metadata.Annotations = new Dictionary<string, string> { ["scaledobject.kaito.sh/auto-provision"] = "true", ["scaledobject.kaito.sh/threshold"] = "10" };
        Valid(Create(set));
        set.Spec!.NodeCountLimit = null;
        Single(Create(set), "metadata.annotations[scaledobject.kaito.sh/max-replicas]", FieldErrorType.Required);
    }

    [Fact]
    public void A_pinned_model_image_in_the_template_must_be_an_image_reference()
    {
        var set = Set(extra: "  autoUpgrade: {enabled: true, maintenanceWindow: {schedule: \"0 2 * * 6\"}}");
        set.Spec!.Template!.Metadata = new System.Text.Json.Nodes.JsonObject { ["annotations"] = new System.Text.Json.Nodes.JsonObject { ["kaito.sh/model-image"] = "Registry/Model:1" } };
        Single(Create(set), "spec.template.metadata.annotations[kaito.sh/model-image]", FieldErrorType.Invalid);
    }
}

