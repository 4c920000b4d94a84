using System.Text.Json;
using System.Text.Json.Nodes;
using Kaito.Api.V1Beta1.Serialization;
using Kaito.Webhooks;
using Kaito.Webhooks.Validation;
using Kaito.Presets;

namespace Kaito.Cli.Commands;

/// <summary>
/// <c>validate -f FILE [-f FILE...] [--node-provisioner gpu-provisioner|byo] [--cloud azure]</c>: the
/// admission webhooks' defaults and rules, offline. Output is shaped like kubectl's; exit 1 when invalid. Hugging Face
/// models outside the catalog are read from --hf-endpoint, HF_ENDPOINT or the Hub, as the webhook reads them (an endpoint
/// that does not answer in time leaves a warning, not an error).
/// </summary>
static class ValidateCommand
{
    public static async Task<int> RunAsync(CliArguments args, IReadOnlyList<string> files, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        var hfEndpoint = args.Get("hf-endpoint");
        var provisioner = args.Get("node-provisioner") ?? "gpu-provisioner";
        var cloud = (args.Get("cloud") ?? "azure").ToLowerInvariant();
        args.RejectUnknown();
        if (files.Count == 0) throw new UsageException("usage: kubectl kaito validate -f FILE [-f FILE...]");
        var provisioning = provisioner switch
        {
            "gpu-provisioner" => NodeProvisioning.GpuProvisioner,
            "byo" => NodeProvisioning.BringYourOwn,
            "karpenter" => NodeProvisioning.Karpenter,
            _ => throw new UsageException($"unknown node provisioner \"{provisioner}\"; use gpu-provisioner, karpenter or byo"),
        };
        if (!Kaito.Presets.SkuCatalog.Default.HasCloud(cloud)) throw new UsageException($"unknown cloud \"{cloud}\"; use one of: azure, aws, arc");

        using var http = new HttpClient { Timeout = HubModelSource.Budget };
        var validator = new OfflineValidator(new AdmissionSettings(provisioning, cloud, Hub: HubModelSource.Client(http, hfEndpoint, environment)));
        var invalid = false;
        foreach (var file in files)
        {
            IReadOnlyList<JsonNode> documents;
            try
            {
                documents = YamlDocuments.ToJson(await File.ReadAllTextAsync(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
            {
                throw new UsageException($"cannot read {file}: {e.Message}");
            }
            foreach (var document in documents)
            {
                if (document is not JsonObject obj)
                {
                    await error.WriteLineAsync($"error: {file}: a document is not a Kubernetes object");
                    invalid = true;
                    continue;
                }
                if (obj["apiVersion"] is JsonValue version && version.TryGetValue<string>(out var apiVersion) && !apiVersion.StartsWith("kaito.sh/", StringComparison.Ordinal))
                {
                    // Manifests often carry what a Workspace needs (a PVC, a ConfigMap): not ours to judge.
                    await error.WriteLineAsync($"skipped: {apiVersion}/{obj["kind"]} {obj["metadata"]?["name"]} is not a kaito.sh object ({file})");
                    continue;
                }
                OfflineVerdict verdict;
                try
                {
                    verdict = await validator.ValidateAsync(obj, CancellationToken.None);
                }
                catch (JsonException e)
                {
                    await error.WriteLineAsync($"error: {file}: {e.Path?.TrimStart('$', '.')}: the value has the wrong type ({e.Message})");
                    invalid = true;
                    continue;
                }
                foreach (var warning in verdict.DefaultingWarnings.Concat(verdict.Result.Warnings))
                    await error.WriteLineAsync($"Warning: {warning}");
                if (verdict.Result.Allowed)
                {
                    await output.WriteLineAsync($"{verdict.Kind.ToLowerInvariant()}.kaito.sh/{verdict.Name} valid ({file})");
                    continue;
                }
                invalid = true;
                var errors = verdict.Result.Errors;
                if (errors.Count == 1)
                {
                    await error.WriteLineAsync($"The {verdict.Kind} \"{verdict.Name}\" is invalid ({file}): {errors[0]}");
                    continue;
                }
                await error.WriteLineAsync($"The {verdict.Kind} \"{verdict.Name}\" is invalid ({file}): ");
                foreach (var e in errors) await error.WriteLineAsync($"* {e}");
            }
        }
        return invalid ? ExitCodes.DoesNotFit : ExitCodes.Ok;
    }
}
