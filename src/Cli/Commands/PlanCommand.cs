using Kaito.Api.V1Beta1;
using System.Globalization;
using Kaito.Presets;

namespace Kaito.Cli.Commands;

/// <summary>
/// <c>plan --preset NAME --instance-type SKU [--cloud azure] [--runtime vllm|transformers]
/// [--tuning lora|qlora] [--max-model-len N] [-o json]</c>. Exit 0 fits, 1 does not fit, 2 bad input.
/// </summary>
static class PlanCommand
{
    public static int Run(CliArguments args, TextWriter output)
    {
        var presetName = args.Require("preset");
        var skuName = args.Require("instance-type");
        var cloud = args.Get("cloud") ?? "azure";
        var runtime = (args.Get("runtime") ?? Runtimes.Vllm).ToLowerInvariant();
        var tuning = args.Get("tuning")?.ToLowerInvariant();
        var maxModelLen = args.GetInt("max-model-len");
        var json = args.Json;
        args.RejectUnknown();

        if (!SkuCatalog.Default.HasCloud(cloud))
            throw new UsageException($"unknown cloud \"{cloud}\"; use one of: {string.Join(", ", SkuCatalog.Default.Clouds)}");
        if (!Runtimes.All.Contains(runtime))
            throw new UsageException($"unknown runtime \"{runtime}\"; use one of: {string.Join(", ", Runtimes.All)}");
        if (tuning is not null and not ("lora" or "qlora"))
            throw new UsageException($"unknown tuning method \"{tuning}\"; use lora or qlora");
        var model = ModelCatalog.Default.Find(presetName)
            ?? throw new UsageException($"unknown preset \"{presetName}\"; closest: {string.Join(", ", ModelCatalog.Default.Closest(presetName))} (see `kubectl kaito models list`)");
        var sku = SkuCatalog.Default.Find(cloud, skuName)
            ?? throw new UsageException($"unknown instance type \"{skuName}\" for cloud {cloud}; closest: {string.Join(", ", SkuCatalog.Default.Closest(cloud, skuName))} (see `kubectl kaito skus list --cloud {cloud}`)");

        var plan = CapacityPlanner.Plan(new PlanRequest(model, sku.Shape, runtime, tuning, maxModelLen), SkuCatalog.Default.For(cloud));
        if (json) CliJson.Write(output, plan);
        else WriteText(output, plan, sku);
        return plan.Fits ? ExitCodes.Ok : ExitCodes.DoesNotFit;
    }

    static void WriteText(TextWriter output, CapacityPlan plan, GpuSku sku)
    {
        var f = CultureInfo.InvariantCulture;
        output.WriteLine(plan.Fits
            ? $"fits: {plan.Model} {plan.Workload} on {plan.Nodes} × {sku.Name} ({plan.GpusPerNode} × {sku.GpuModel} per node), runtime {plan.Runtime}, dtype {plan.Dtype}"
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
