using Kaito.Api.V1Beta1;
using System.Globalization;
using Kaito.Presets;

namespace Kaito.Cli.Commands;

/// <summary>
/// <c>plan --preset NAME --instance-type SKU [--cloud azure] [--runtime vllm|transformers]
/// [--tuning lora|qlora] [--max-model-len N] [--replicas N] [--sku-gpus 8x40Gi/A100] [--hf-endpoint URL] [--hf-token T] [-o json]</c>. NAME may be any
/// Hugging Face model (owner/name), sized from its metadata (<see cref="HubModelSource"/>). With --replicas, the nodes and hourly cost of
/// an InferenceSet of that many replicas too. An instance type the catalog does not list but named like a GPU size is planned
/// with the GPUs --sku-gpus declares (as the kaito.sh/sku-gpus annotation does for a Workspace). Exit 0 fits, 1 does not fit, 2 bad input.
/// </summary>
static class PlanCommand
{
    public static int Run(CliArguments args, TextWriter output, Func<string, string?> environment)
    {
        var presetName = args.Require("preset");
        var skuName = args.Require("instance-type");
        var cloud = args.Get("cloud") ?? "azure";
        var runtime = (args.Get("runtime") ?? Runtimes.Vllm).ToLowerInvariant();
        var tuning = args.Get("tuning")?.ToLowerInvariant();
        var maxModelLen = args.GetInt("max-model-len");
        var replicas = args.GetInt("replicas");
        var json = args.Json;
        var declaredGpus = args.Get("sku-gpus");
        var models = HubModelSource.From(args, environment);
        args.RejectUnknown();

        if (!SkuCatalog.Default.HasCloud(cloud))
            throw new UsageException($"unknown cloud \"{cloud}\"; use one of: {string.Join(", ", SkuCatalog.Default.Clouds)}");
        if (!Runtimes.All.Contains(runtime))
            throw new UsageException($"unknown runtime \"{runtime}\"; use one of: {string.Join(", ", Runtimes.All)}");
        if (replicas is < 0) throw new UsageException($"--replicas must be 0 or more, got {replicas}");
        if (replicas is not null && tuning is not null) throw new UsageException("--replicas plans an InferenceSet, which serves a model; drop --tuning");
        if (tuning is not null and not ("lora" or "qlora"))
            throw new UsageException($"unknown tuning method \"{tuning}\"; use lora or qlora");
        var sku = Sku(cloud, skuName, declaredGpus);

        var model = models.Find(presetName).Model;
        var plan = CapacityPlanner.Plan(new PlanRequest(model, sku.Shape, runtime, tuning, maxModelLen), SkuCatalog.Default.For(cloud));
        if (json) CliJson.Write(output, plan);
        else WriteText(output, plan, sku);
        if (replicas is { } count && plan.Fits && !json) WriteSet(output, plan, sku, count);
        return plan.Fits ? ExitCodes.Ok : ExitCodes.DoesNotFit;
    }

    /// <summary>What the plan runs on: a catalog SKU (with its price), or an unlisted GPU size with the GPUs --sku-gpus declares.</summary>
    sealed record PlannedSku(string Name, GpuShape Shape, double? ApproxHourlyUsd);

    /// <summary>Resolved as a Workspace's instance type and kaito.sh/sku-gpus annotation are (<see cref="WorkspaceSemantics.ShapeOf"/>).</summary>
    static PlannedSku Sku(string cloud, string name, string? declaredGpus)
    {
        var closest = string.Join(", ", SkuCatalog.Default.Closest(cloud, name));
        var annotations = declaredGpus is null ? null : new Dictionary<string, string> { [Annotations.SkuGpus] = declaredGpus };
        var resolved = WorkspaceSemantics.ShapeOf(cloud, name, annotations);
        switch (resolved.Kind)
        {
            case InstanceTypeKind.Listed when resolved.Sku is { } listed:
                return declaredGpus is null
                    ? new PlannedSku(listed.Name, listed.Shape, listed.ApproxHourlyUsd)
                    : throw new UsageException($"the catalog knows {listed.Name} ({listed.GpuCount} × {listed.GpuModel}); drop --sku-gpus");
            case InstanceTypeKind.UnlistedGpu when resolved.AnnotationError is { } error:
                throw new UsageException($"--sku-gpus {error}");
            case InstanceTypeKind.UnlistedGpu when resolved.Shape is { } shape:
                return new PlannedSku(name, shape, null);
            case InstanceTypeKind.UnlistedGpu:
                throw new UsageException($"instance type \"{name}\" is not in the {cloud} catalog; give its GPUs with --sku-gpus {DeclaredGpus.Example} ({DeclaredGpus.Format}); if it is a typo, the closest listed: {closest}");
            default:
                throw new UsageException($"unknown instance type \"{name}\" for cloud {cloud}, and not named like a GPU size ({InstanceTypes.GpuSizeRule(cloud)}); closest: {closest} (see `kubectl kaito skus list --cloud {cloud}`)");
        }
    }

    /// <summary>An InferenceSet of <paramref name="replicas"/>: each replica is a whole copy on its own nodes.</summary>
    static void WriteSet(TextWriter output, CapacityPlan plan, PlannedSku sku, int replicas)
    {
        var f = CultureInfo.InvariantCulture;
        var nodes = replicas * plan.Nodes;
        var cost = sku.ApproxHourlyUsd is { } price
            ? string.Create(f, $"; about ${price * plan.Nodes:0.00}/h per replica, ${price * nodes:0.00}/h for the set, $0/h at replicas 0")
            : "";
        output.WriteLine(string.Create(f, $"inferenceset of {replicas}: {plan.Nodes} × {sku.Name} per replica, {nodes} node(s) in all (nodeCountLimit ≥ {nodes}){cost}"));
    }

    static void WriteText(TextWriter output, CapacityPlan plan, PlannedSku sku)
    {
        var f = CultureInfo.InvariantCulture;
        output.WriteLine(plan.Fits
            ? $"fits: {plan.Model} {plan.Workload} on {plan.Nodes} × {sku.Name} ({plan.GpusPerNode} × {sku.Shape.GpuModel} per node), runtime {plan.Runtime}, dtype {plan.Dtype}"
            : $"does not fit: {plan.Reason}");
        if (plan.Fits && plan.Workload == "inference")
            output.WriteLine($"  parallelism: tensor {plan.TensorParallel}, pipeline {plan.PipelineParallel}; max-model-len {plan.MaxModelLen}");
        output.WriteLine(string.Create(f, $"  per GPU: {plan.RequiredGpuMemoryGiB:0.00} GiB required of {plan.AvailableGpuMemoryGiB:0.00} GiB usable"));
        foreach (var line in plan.Breakdown) output.WriteLine(string.Create(f, $"    {line.Item,-36} {line.GiB,8:0.00} GiB"));
        if (plan.Suggestions.Count > 0)
        {
            output.WriteLine("  SKUs that fit, cheapest first:");
            foreach (var s in plan.Suggestions)
                output.WriteLine(string.Create(f, $"    {s.Name} ({s.GpuCount} × {s.GpuModel}) × {s.Nodes} node(s){(s.ApproxHourlyUsd is { } p ? $", about ${p * s.Nodes:0.00}/h" : "")}"));
        }
        else if (!plan.Fits)
        {
            output.WriteLine("  no SKU of this cloud fits it");
        }
    }
}
