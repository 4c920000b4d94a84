namespace Kaito.Presets;

/// <summary>
/// The figures of the memory model. docs/capacity-planning.md derives each one and compares them with
/// KAITO's estimator.
/// </summary>
public static class PlannerConstants
{
    public const double GiB = 1024d * 1024 * 1024;

    /// <summary>Share of each GPU's memory a runtime may use (KAITO's 0.84: vLLM's 0.9 utilization less headroom).</summary>
    public const double UsableFraction = 0.84;

    /// <summary>Per-GPU memory the runtime takes before weights and cache: CUDA context, activations, graphs.</summary>
    public const double RuntimeOverheadGiB = 2.3;

    /// <summary>Weights in memory vs on disk: 2% non-safetensor parameters, then 5% allocator fragmentation.</summary>
    public const double WeightsFactor = 1.02 * 1.05;

    /// <summary>Context every plan must hold at least (or the model's limit when shorter), in tokens.</summary>
    public const int MinimumContext = 2048;

    /// <summary>Planned max-model-len is rounded down to a multiple of this (unless it is the model's limit).</summary>
    public const int ContextGranularity = 256;

    /// <summary>Largest number of nodes a plan may use.</summary>
    public const int MaxNodes = 16;

    /// <summary>QLoRA keeps base weights in 4-bit NF4 with double quantization: about 4.5 of 16 bits.</summary>
    public const double QloraWeightsFactor = 0.28;

    /// <summary>LoRA adapter, its gradients and Adam state: ~1% of the parameters at 16 bytes vs 2 bytes each.</summary>
    public const double AdapterStateFactor = 0.08;

    /// <summary>Activations kept for backward (gradient checkpointing) per token, in KV-cache units.</summary>
    public const double TuningActivationKvMultiple = 4;
}
