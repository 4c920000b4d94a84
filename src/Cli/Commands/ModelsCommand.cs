using System.Globalization;
using Kaito.Presets;

namespace Kaito.Cli.Commands;

/// <summary><c>models list [-o json]</c>: the preset catalog.</summary>
static class ModelsCommand
{
    public static int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.ElementAtOrDefault(1) is not "list") throw new UsageException("usage: kubectl kaito models list [-o json]");
        var json = args.Json;
        args.RejectUnknown();
        var models = ModelCatalog.Default.Models;
        if (json)
        {
            CliJson.Write(output, models);
            return ExitCodes.Ok;
        }
        TableWriter.Write(output, ["name", "hugging face id", "weights", "context", "runtimes", "tuning", "distributed"],
            models.Select(m => (IReadOnlyList<string>)
            [
                m.Name, m.HuggingFaceId, m.WeightsGiB.ToString("0.##", CultureInfo.InvariantCulture) + "Gi",
                m.ContextLimit.ToString(CultureInfo.InvariantCulture), string.Join(",", m.Runtimes),
                m.TuningMethods.Count == 0 ? "-" : string.Join(",", m.TuningMethods), m.Distributed ? "yes" : "no",
            ]));
        return ExitCodes.Ok;
    }
}
