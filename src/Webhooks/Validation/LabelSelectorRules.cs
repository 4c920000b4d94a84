using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Webhooks.Validation;

/// <summary>Label selector rules shared by Workspace.resource and RAGEngine.spec.compute.</summary>
public static class LabelSelectorRules
{
    static readonly string[] Operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    /// <param name="path">Path of the selector, e.g. <c>resource.labelSelector</c>.</param>
    /// <param name="mustLabelNewNodes">True under the gpu-provisioner: new nodes get the selector as labels.</param>
    public static void Validate(V1LabelSelector? selector, string path, bool mustLabelNewNodes, FieldErrors errors)
    {
        var labels = selector?.MatchLabels;
        var expressions = selector?.MatchExpressions;
        if (labels is not { Count: > 0 } && expressions is not { Count: > 0 })
        {
            errors.Required(path, "set at least one matchLabels entry (or matchExpression) that selects the GPU nodes");
            return;
        }

        // In any order: the errors are sorted once, at the end. The path is built only for a label that has a problem.
        var allReserved = labels is { Count: > 0 };
        foreach (var (key, value) in labels ?? Enumerable.Empty<KeyValuePair<string, string>>())
        {
            if (KubernetesNames.LabelKeyProblem(key) is { } keyProblem) errors.Invalid($"{path}.matchLabels[{key}]", key, keyProblem + "; fix the key");
            if (KubernetesNames.LabelValueProblem(value) is { } valueProblem) errors.Invalid($"{path}.matchLabels[{key}]", value, valueProblem + "; fix the value");
            allReserved &= Labels.ReservedSelectorKeys.Contains(key);
        }
        if (allReserved)
        {
            errors.Invalid($"{path}.matchLabels", string.Join(",", labels!.Keys.Order(StringComparer.Ordinal)),
                "every key is reserved for the operator (" + string.Join(", ", Labels.ReservedSelectorKeys.Order(StringComparer.Ordinal)) +
                "); add a label of your own such as apps: <name>");
        }

        for (var i = 0; i < (expressions?.Count ?? 0); i++)
        {
            var at = $"{path}.matchExpressions[{i}]";
            var expression = expressions![i];
            if (expression is null)
            {
                errors.Required(at, "remove the empty entry or give it key and operator");
                continue;
            }
            if (KubernetesNames.LabelKeyProblem(expression.Key) is { } keyProblem) errors.Invalid($"{at}.key", expression.Key, keyProblem);
            var values = expression.Values ?? [];
            switch (expression.OperatorProperty)
            {
                case "In" or "NotIn":
                    if (values.Count == 0) errors.Required($"{at}.values", $"operator {expression.OperatorProperty} needs at least one value");
                    break;
                case "Exists" or "DoesNotExist":
                    if (values.Count > 0) errors.Forbidden($"{at}.values", $"operator {expression.OperatorProperty} takes no values; remove them");
                    break;
                case null or "":
                    errors.Required($"{at}.operator", "supported: " + string.Join(", ", Operators));
                    continue;
                default:
                    errors.NotSupported($"{at}.operator", expression.OperatorProperty, Operators);
                    continue;
            }
            for (var j = 0; j < values.Count; j++)
            {
                if (KubernetesNames.LabelValueProblem(values[j]) is { } valueProblem) errors.Invalid($"{at}.values[{j}]", values[j], valueProblem);
            }
            if (mustLabelNewNodes && !(expression.OperatorProperty == "In" && values.Count == 1))
            {
                errors.Invalid(at, $"{expression.Key} {expression.OperatorProperty} [{string.Join(",", values)}]",
                    "provisioned nodes are labelled with the selector, so each expression must be 'In' with exactly one value; " +
                    "use matchLabels (or bring your own nodes)");
            }
        }
    }

    /// <summary>
    /// The selector as a set of normalised requirements, so that <c>matchLabels {a: b}</c> equals
    /// <c>a In [b]</c>. Null selectors give an empty set.
    /// </summary>
    public static IReadOnlySet<string> Requirements(V1LabelSelector? selector)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in selector?.MatchLabels ?? new Dictionary<string, string>()) set.Add($"{key} In [{value}]");
        foreach (var expression in selector?.MatchExpressions ?? [])
        {
            if (expression is null) continue;
            var values = (expression.Values ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            set.Add($"{expression.Key} {expression.OperatorProperty} [{string.Join(",", values)}]");
        }
        return set;
    }

    public static bool SemanticallyEqual(V1LabelSelector? a, V1LabelSelector? b) => Requirements(a).SetEquals(Requirements(b));
}
