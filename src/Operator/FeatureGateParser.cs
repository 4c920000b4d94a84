using Kaito.Webhooks.Validation;

namespace Kaito.Operator;

/// <summary>Parses --feature-gates "vLLM=true,enableMIG=false"; unknown names and non-boolean values are errors.</summary>
public static class FeatureGateParser
{
    static readonly string[] Known = ["vLLM", "enableMIG", "enableAccelerator", "disableNodeAutoProvisioning", "enableInferenceSetController"];

    public static FeatureGates Parse(string? text, List<string> errors)
    {
        var gates = new FeatureGates();
        if (string.IsNullOrWhiteSpace(text)) return gates;
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !bool.TryParse(parts[1], out var on))
            {
                errors.Add($"--feature-gates: \"{pair}\" must be name=true or name=false");
                continue;
            }
            gates = parts[0] switch
            {
                "vLLM" => gates with { Vllm = on },
                "enableMIG" => gates with { EnableMig = on },
                "enableAccelerator" => gates with { EnableAccelerator = on },
                "enableInferenceSetController" => gates with { InferenceSetController = on },
                "disableNodeAutoProvisioning" => gates,   // superseded by --node-provisioner, as in KAITO
                var unknown => Unknown(errors, unknown, gates),
            };
        }
        return gates;
    }

    static FeatureGates Unknown(List<string> errors, string name, FeatureGates gates)
    {
        errors.Add($"--feature-gates: unknown gate \"{name}\"; known: {string.Join(", ", Known)}");
        return gates;
    }
}
