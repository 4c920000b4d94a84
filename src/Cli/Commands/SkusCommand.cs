using System.Globalization;
using Kaito.Presets;

namespace Kaito.Cli.Commands;

/// <summary><c>skus list --cloud azure|aws|arc [-o json]</c>: the GPU SKU catalog of a cloud.</summary>
static class SkusCommand
{
    public static int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.ElementAtOrDefault(1) is not "list") throw new UsageException("usage: kubectl kaito skus list --cloud azure|aws|arc [-o json]");
        var cloud = args.Get("cloud") ?? "azure";
        var json = args.Json;
        args.RejectUnknown();
        if (!SkuCatalog.Default.HasCloud(cloud))
            throw new UsageException($"unknown cloud \"{cloud}\"; use one of: {string.Join(", ", SkuCatalog.Default.Clouds)}");
        var skus = SkuCatalog.Default.For(cloud);
        if (json)
        {
            CliJson.Write(output, skus.Select(s => new
            {
                s.Name, s.Cloud, s.GpuCount, s.GpuModel, s.TotalGpuMemoryGiB, PerGpuMemoryGiB = s.Shape.PerGpuMemoryGiB,
                s.ComputeCapability, Bfloat16 = s.Shape.SupportsBfloat16, s.Nvme, s.ApproxHourlyUsd,
            }));
            return ExitCodes.Ok;
        }
        TableWriter.Write(output, ["sku", "gpus", "gpu", "memory per gpu", "bf16", "nvme", "approx $/h"],
            skus.Select(s => (IReadOnlyList<string>)
            [
                s.Name, s.GpuCount.ToString(CultureInfo.InvariantCulture), s.GpuModel,
                s.Shape.PerGpuMemoryGiB.ToString("0.##", CultureInfo.InvariantCulture) + "Gi",
                s.Shape.SupportsBfloat16 ? "yes" : "no", s.Nvme ? "yes" : "no",
                s.ApproxHourlyUsd?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",
            ]));
        return ExitCodes.Ok;
    }
}
