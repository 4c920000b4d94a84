using k8s.Models;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class LabelSelectorRulesTests
{
    static FieldErrors Check(V1LabelSelector? selector, bool provisioned = true)
    {
        var errors = new FieldErrors();
        LabelSelectorRules.Validate(selector, "resource.labelSelector", provisioned, errors);
        return errors;
    }

    static V1LabelSelectorRequirement Expr(string key, string op, params string[] values) => new() { Key = key, OperatorProperty = op, Values = values.Length == 0 ? null : values };

    [Fact]
    public void Empty_or_missing_selector_is_required()
    {
        Assert.Equal(FieldErrorType.Required, Assert.Single(Check(null)).Type);
        var error = Assert.Single(Check(new V1LabelSelector()));
        Assert.Equal(("resource.labelSelector", FieldErrorType.Required), (error.Path, error.Type));
    }

    [Fact]
    public void Keys_and_values_must_be_valid_labels()
    {
        var errors = Check(new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["bad key"] = "ok", ["ok"] = "bad value!", ["Example.COM/x"] = "v" } });
        Assert.Equal(["resource.labelSelector.matchLabels[Example.COM/x]", "resource.labelSelector.matchLabels[bad key]", "resource.labelSelector.matchLabels[ok]"],
            errors.Sorted().Select(e => e.Path));
        Assert.All(errors, e => Assert.Equal(FieldErrorType.Invalid, e.Type));
    }

    [Fact]
    public void Only_reserved_keys_are_invalid()
    {
        var error = Assert.Single(Check(new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kaito.sh/workspace"] = "ws" } }));
        Assert.Equal(("resource.labelSelector.matchLabels", FieldErrorType.Invalid), (error.Path, error.Type));
        Assert.Empty(Check(new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kaito.sh/workspace"] = "ws", ["apps"] = "x" } }));
    }

    [Fact]
    public void Operators_and_their_values()
    {
        var errors = Check(new V1LabelSelector
        {
            MatchExpressions = [Expr("a", "In"), Expr("b", "Exists", "x"), Expr("c", "Gt", "1"), Expr("d", "NotIn")],
        }, provisioned: false).Sorted();
        Assert.Equal(
        [
            "resource.labelSelector.matchExpressions[0].values:Required",
            "resource.labelSelector.matchExpressions[1].values:Forbidden",
            "resource.labelSelector.matchExpressions[2].operator:NotSupported",
            "resource.labelSelector.matchExpressions[3].values:Required",
        ], errors.Select(e => $"{e.Path}:{e.Type}"));
    }

    [Fact]
    public void Gpu_provisioner_needs_selectors_it_can_turn_into_node_labels()
    {
        Assert.Empty(Check(new V1LabelSelector { MatchExpressions = [Expr("apps", "In", "x")] }));
        var error = Assert.Single(Check(new V1LabelSelector { MatchExpressions = [Expr("apps", "In", "x", "y")] }));
        Assert.Equal(("resource.labelSelector.matchExpressions[0]", FieldErrorType.Invalid), (error.Path, error.Type));
        Assert.Contains("matchLabels", error.Detail, StringComparison.Ordinal);
        Assert.Single(Check(new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["a"] = "b" }, MatchExpressions = [Expr("gpu", "Exists")] }));
    }

    [Fact]
    public void Bring_your_own_accepts_any_valid_expression()
    {
        Assert.Empty(Check(new V1LabelSelector { MatchExpressions = [Expr("apps", "In", "x", "y"), Expr("gpu", "Exists"), Expr("spot", "DoesNotExist")] }, provisioned: false));
    }

    [Fact]
    public void Workspace_path_is_resource_label_selector()
    {
        var workspace = Inference();
        workspace.Resource!.LabelSelector = new V1LabelSelector { MatchExpressions = [Expr("apps", "NotIn", "x")] };
        Single(Create(workspace), "resource.labelSelector.matchExpressions[0]", FieldErrorType.Invalid);
    }

    [Fact]
    public void Match_labels_equal_single_value_in_expressions()
    {
        var labels = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["a"] = "b" } };
        Assert.True(LabelSelectorRules.SemanticallyEqual(labels, new V1LabelSelector { MatchExpressions = [Expr("a", "In", "b")] }));
        Assert.False(LabelSelectorRules.SemanticallyEqual(labels, new V1LabelSelector { MatchExpressions = [Expr("a", "In", "c")] }));
        Assert.False(LabelSelectorRules.SemanticallyEqual(labels, null));
    }
}
