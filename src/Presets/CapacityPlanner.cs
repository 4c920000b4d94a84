using Kaito.Api.V1Beta1;
using System.Globalization;
using static Kaito.Presets.PlannerConstants;

namespace Kaito.Presets;

/// <summary>
/// Decides whether a model fits a GPU shape and how it is laid out. Pure arithmetic over the catalog
/// figures; docs/capacity-planning.md explains the model and where it differs from KAITO's estimator.
/// </summary>
public static class CapacityPlanner
{
    /// <summary>Plans the request; when it does not fit and <paramref name="suggestFrom"/> is given, lists the cheapest SKUs that would.</summary>
    /// <param name="itemize">Whether the plan lists its per-GPU memory budget (<see cref="CapacityPlan.Breakdown"/>); admission,
    /// which answers on every request and only says whether and why not, leaves it empty.</param>
    public static CapacityPlan Plan(PlanRequest request, IReadOnlyList<GpuSku>? suggestFrom = null, bool itemize = true)
    {
        if (last is { } remembered && remembered.Answers(request, suggestFrom, itemize)) return remembered.Plan;
        var plan = PlanOnly(request, itemize);
        if (!plan.Fits && suggestFrom is not null) plan = plan with { Suggestions = Suggest(request, suggestFrom) };
        last = new LastPlan(request, suggestFrom, itemize, plan);
        return plan;
    }

    /// <summary>
    /// The last plan made: admission plans the same catalog model on the same catalog SKU review after review, and the
    /// catalogs hand out the same instances each time (<see cref="GpuSku.Shape"/>, <see cref="ModelCatalog"/>), so their
    /// identity stands for their content. Plans are pure and immutable; the record is swapped whole, safe across threads.
    /// </summary>
    static LastPlan? last;

    sealed record LastPlan(PlanRequest Request, IReadOnlyList<GpuSku>? SuggestFrom, bool Itemize, CapacityPlan Plan)
    {
        public bool Answers(PlanRequest request, IReadOnlyList<GpuSku>? suggestFrom, bool itemize) =>
            itemize == Itemize && ReferenceEquals(suggestFrom, SuggestFrom) && ReferenceEquals(request.Model, Request.Model)
            && ReferenceEquals(request.Shape, Request.Shape) && ReferenceEquals(request.Runtime, Request.Runtime)
            && ReferenceEquals(request.TuningMethod, Request.TuningMethod) && request.MaxModelLen == Request.MaxModelLen;
    }

    /// <summary>
    /// SKUs on which the request fits: fewest nodes first (one node is simpler to run than several small
    /// ones), then cheapest (hourly price × nodes; total GPU memory when unpriced).
    /// </summary>
    public static IReadOnlyList<SkuSuggestion> Suggest(PlanRequest request, IReadOnlyList<GpuSku> skus, int count = 3) =>
        [.. skus
            .Select(sku => (Sku: sku, Plan: PlanOnly(request with { Shape = sku.Shape }, itemize: false)))
            .Where(x => x.Plan.Fits)
            .OrderBy(x => x.Plan.Nodes)
            .ThenBy(x => x.Sku.ApproxHourlyUsd * x.Plan.Nodes ?? x.Sku.TotalGpuMemoryGiB * x.Plan.Nodes)
            .ThenBy(x => x.Sku.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(x => new SkuSuggestion(x.Sku.Name, x.Sku.GpuCount, x.Sku.GpuModel, x.Plan.Nodes, x.Sku.ApproxHourlyUsd))];

    static CapacityPlan PlanOnly(PlanRequest request, bool itemize)
    {
        var (model, shape) = (request.Model, request.Shape);
        var runtime = request.Runtime.ToLowerInvariant();
        var dtype = shape.SupportsBfloat16 ? "bfloat16" : "float16";
        var usable = shape.PerGpuMemoryGiB * UsableFraction;
        var workload = request.TuningMethod is null ? "inference" : $"tuning ({request.TuningMethod.ToLowerInvariant()})";
        var outline = new CapacityPlan(false, model.Name, workload, runtime, shape.Source, shape.GpuCount, 1, 1, 1,
            0, Round(usable), null, dtype, null, [], []);

        if (request.MaxModelLen is { } asked && (asked < 1 || asked > model.ContextLimit))
            return outline with { Reason = $"max-model-len {asked} is outside 1..{model.ContextLimit}, the context limit of {model.Name}" };
        if (model.Quantization is not null && !shape.SupportsBfloat16)
            return outline with { Reason = $"{model.Name} is {model.Quantization}-quantized, which needs compute capability 8.0 or newer; {shape.GpuModel} ({shape.Source}) has {Capability(shape)}" };
        if (usable <= RuntimeOverheadGiB)
            return outline with { Reason = $"each GPU of {shape.Source} offers {Round(usable)} GiB usable, less than the runtime's own {RuntimeOverheadGiB} GiB" };

        if (request.TuningMethod is not null) return Tuning(request, outline, usable, itemize);
        if (!model.SupportsRuntime(runtime))
            return outline with { Reason = $"{model.Name} does not run on the {runtime} runtime (supported: {string.Join(", ", model.Runtimes)})" };
        return runtime == Runtimes.Transformers ? Transformers(request, outline, usable, itemize) : Vllm(request, outline, usable, itemize);
    }

    // vLLM: tensor parallel over every GPU of a node, pipeline parallel across nodes. Weights and KV cache
    // split evenly over all GPUs; the node count is the smallest that holds the minimum context.
    static CapacityPlan Vllm(PlanRequest request, CapacityPlan outline, double usable, bool itemize)
    {
        var (model, shape) = (request.Model, request.Shape);
        var weights = model.WeightsGiB * WeightsFactor;
        var minContext = request.MaxModelLen ?? Math.Min(model.ContextLimit, MinimumContext);
        var minKv = Kv(model, minContext);
        var perGpuRoom = usable - RuntimeOverheadGiB;
        var nodes = Math.Max(1, (int)Math.Ceiling((weights + minKv) / (shape.GpuCount * perGpuRoom) - 1e-9));

        if (nodes > 1 && !model.Distributed)
        {
            var oneNode = RuntimeOverheadGiB + (weights + minKv) / shape.GpuCount;
            return outline with
            {
                TensorParallel = shape.GpuCount, RequiredGpuMemoryGiB = Round(oneNode),
                Breakdown = itemize ? Breakdown(weights / shape.GpuCount, minKv / shape.GpuCount, minContext) : [],
                Reason = $"{model.Name} needs {Round(oneNode)} GiB per GPU on one node of {shape.Source} ({Round(usable)} GiB usable) and cannot run across nodes",
            };
        }

        // One copy of the outline for the answer (this runs on every admission).
        var gpus = shape.GpuCount * nodes;
        var tooMany = nodes > MaxNodes ? $"{model.Name} would need {nodes} nodes of {shape.Source}, more than the limit of {MaxNodes}" : null;
        return outline with
        {
            Fits = tooMany is null, Reason = tooMany,
            Nodes = nodes, TensorParallel = shape.GpuCount, PipelineParallel = nodes,
            RequiredGpuMemoryGiB = Round(RuntimeOverheadGiB + (weights + minKv) / gpus),
            Breakdown = itemize ? Breakdown(weights / gpus, minKv / gpus, minContext) : [],
            MaxModelLen = tooMany is null ? request.MaxModelLen ?? LongestContext(model, perGpuRoom * gpus - weights) : null,
        };
    }

    // transformers: accelerate places the layers over the GPUs of one node; there is no multi-node mode.
    static CapacityPlan Transformers(PlanRequest request, CapacityPlan outline, double usable, bool itemize)
    {
        var (model, shape) = (request.Model, request.Shape);
        var weights = model.WeightsGiB * WeightsFactor;
        var context = request.MaxModelLen ?? Math.Min(model.ContextLimit, MinimumContext);
        var kv = Kv(model, context);
        var required = RuntimeOverheadGiB + (weights + kv) / shape.GpuCount;
        var plan = outline with
        {
            RequiredGpuMemoryGiB = Round(required),
            Breakdown = itemize ? Breakdown(weights / shape.GpuCount, kv / shape.GpuCount, context) : [],
        };
        if (required > usable)
            return plan with { Reason = $"{model.Name} needs {Round(required)} GiB per GPU but {shape.Source} offers {Round(usable)} GiB usable on each of its {shape.GpuCount} GPU(s); the transformers runtime keeps a model on one node" };
        var maxContext = request.MaxModelLen ?? LongestContext(model, (usable - RuntimeOverheadGiB) * shape.GpuCount - weights);
        return plan with { Fits = true, MaxModelLen = maxContext };
    }

    // LoRA/QLoRA: data parallel on one node, so every GPU holds a full replica of the training state.
    static CapacityPlan Tuning(PlanRequest request, CapacityPlan outline, double usable, bool itemize)
    {
        var (model, shape) = (request.Model, request.Shape);
        var method = request.TuningMethod!.ToLowerInvariant();
        if (!model.SupportsTuning(method))
        {
            var supported = model.TuningMethods.Count == 0 ? "none" : string.Join(", ", model.TuningMethods);
            return outline with { Reason = $"{model.Name} does not support {method} tuning (supported methods: {supported})" };
        }
        var sequence = request.MaxModelLen ?? Math.Min(model.ContextLimit, MinimumContext);
        var baseWeights = model.WeightsGiB * (method == "qlora" ? QloraWeightsFactor : 1.0);
        var adapter = model.WeightsGiB * AdapterStateFactor;
        var activations = Kv(model, sequence) * TuningActivationKvMultiple;
        var required = RuntimeOverheadGiB + baseWeights + adapter + activations;
        var plan = outline with
        {
            Runtime = "transformers",
            RequiredGpuMemoryGiB = Round(required),
            MaxModelLen = sequence,
            Breakdown = itemize
                ?
                [
                    new("runtime overhead", RuntimeOverheadGiB),
                    new(method == "qlora" ? "base weights (4-bit)" : "base weights", Round(baseWeights)),
                    new("adapter, gradients and optimizer", Round(adapter)),
                    new($"activations ({sequence} tokens)", Round(activations)),
                ]
                : [],
        };
        return required <= usable
            ? plan with { Fits = true }
            : plan with { Reason = $"{method} tuning of {model.Name} needs {Round(required)} GiB on each GPU but {shape.Source} offers {Round(usable)} GiB usable" };
    }

    static double Kv(ModelPreset model, int tokens) => tokens * (double)model.KvBytesPerToken / GiB;

    static int LongestContext(ModelPreset model, double kvBudgetGiB)
    {
        var tokens = (long)Math.Floor(kvBudgetGiB * GiB / model.KvBytesPerToken);
        if (tokens >= model.ContextLimit) return model.ContextLimit;
        return (int)(tokens / ContextGranularity * ContextGranularity);
    }

    static IReadOnlyList<MemoryLine> Breakdown(double weightsPerGpu, double kvPerGpu, int context) =>
    [
        new("runtime overhead", RuntimeOverheadGiB),
        new("weights", Round(weightsPerGpu)),
        new($"KV cache ({context} tokens)", Round(kvPerGpu)),
    ];

    static string Capability(GpuShape shape) =>
        shape.ComputeCapability is { } c ? "compute capability " + c.ToString("0.0", CultureInfo.InvariantCulture) : "an unknown compute capability";

    static double Round(double value) => Math.Round(value, 2);
}
