using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class PartitionRulesTests
{
    static readonly AdmissionSettings AllGates = Byo with { Gates = new FeatureGates(EnableMig: true, EnableAccelerator: true) };

    static FieldErrors Check(PartitionSpec partition, AdmissionSettings? settings = null)
    {
        var errors = new FieldErrors();
        PartitionRules.Validate(partition, "resource.partition", settings ?? AllGates, errors);
        return errors;
    }

    static void One(FieldErrors errors, string path, FieldErrorType type)
    {
        var error = Assert.Single(errors);
        Assert.Equal((path, type), (error.Path, error.Type));
    }

    [Fact]
    public void Only_with_bring_your_own_nodes()
    {
        var workspace = Inference();
        workspace.Resource!.Partition = new PartitionSpec { Mode = "mig", Profile = "1g.10gb" };
        Single(Create(workspace), "resource.partition", FieldErrorType.Forbidden);
    }

    [Fact]
    public void Gates_are_named()
    {
        var mig = Assert.Single(Check(new PartitionSpec { Mode = "mig", Profile = "1g.10gb" }, Byo));
        Assert.Equal(("resource.partition.mode", FieldErrorType.Forbidden), (mig.Path, mig.Type));
        Assert.Contains("EnableMig", mig.Detail, StringComparison.Ordinal);
        var accelerator = Assert.Single(Check(new PartitionSpec { Mode = "accelerator", Count = 2 }, Byo));
        Assert.Contains("EnableAccelerator", accelerator.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Mig_rules()
    {
        Assert.Empty(Check(new PartitionSpec { Mode = "mig", Profile = "3g.40gb" }));
        One(Check(new PartitionSpec { Mode = "mig" }), "resource.partition.profile", FieldErrorType.Required);
        One(Check(new PartitionSpec { Mode = "mig", Profile = "1g.10gb", Count = 2 }), "resource.partition.count", FieldErrorType.Forbidden);
        One(Check(new PartitionSpec { Mode = "mig", Profile = "10gb" }), "resource.partition.profile", FieldErrorType.Invalid);
        One(Check(new PartitionSpec { Mode = "mig", Profile = "0g.10gb" }), "resource.partition.profile", FieldErrorType.Invalid);
        One(Check(new PartitionSpec { Mode = "mig", Profile = "5g.50gb" }), "resource.partition.profile", FieldErrorType.NotSupported);
    }

    [Fact]
    public void Accelerator_rules()
    {
        Assert.Empty(Check(new PartitionSpec { Mode = "accelerator", Count = 2 }));
        One(Check(new PartitionSpec { Mode = "accelerator" }), "resource.partition.count", FieldErrorType.Required);
        One(Check(new PartitionSpec { Mode = "accelerator", Count = 0 }), "resource.partition.count", FieldErrorType.Invalid);
        One(Check(new PartitionSpec { Mode = "accelerator", Count = 1, Profile = "1g.10gb" }), "resource.partition.profile", FieldErrorType.Forbidden);
    }

    [Fact]
    public void Unknown_mode_is_not_supported() =>
        One(Check(new PartitionSpec { Mode = "mps" }), "resource.partition.mode", FieldErrorType.NotSupported);

    [Fact]
    public void Tuning_with_a_partition_is_forbidden()
    {
        var workspace = Tuning();
        workspace.Resource!.InstanceType = null;
        workspace.Resource.Partition = new PartitionSpec { Mode = "mig", Profile = "1g.10gb" };
        Single(Create(workspace, AllGates), "resource.partition", FieldErrorType.Forbidden);
    }
}
