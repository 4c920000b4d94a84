using Kaito.Webhooks.Validation;
using Microsoft.Extensions.Configuration;
using Kaito.Presets;

namespace Kaito.Operator;

/// <summary>Command-line flags (--name value) and the environment (KAITO_NAME), parsed once with clear errors.</summary>
public sealed partial record OperatorOptions(
    string? Kubeconfig,
    string BindAddress,
    int WebhookPort,
    int HealthPort,
    string Namespace,
    string? WebhookUrl,
    string WebhookService,
    string? CertDirectory,
    string CertSecret,
    WebhookRegistration RegisterWebhooks,
    AdmissionSettings Admission,
    bool RunReconcilers = true,
    int Workers = 4,
    string RagImage = Kaito.Reconcilers.Manifests.RAGEngineManifests.DefaultImage,
    bool JsonLogs = true,
    bool LeaderElect = true,
    bool WorkspaceController = true,
    bool RAGEngineController = true,
    string LeaderElectionId = "kaito-operator-leader",
    string WebhookConfigPrefix = "kaito",
    bool InferenceSetController = true,
    TimeSpan? InferenceSetScaleDownCooldown = null,
    string PresetRegistry = ModelImages.DefaultRegistry,
    string KedaScalerAddress = KedaAutoscaling.DefaultScalerAddress,
    TimeSpan ShutdownDelay = default,
    Kaito.Reconcilers.Manifests.TuningImages? TuningImages = null,
    double ApiQps = OperatorOptions.DefaultApiQps,
    int ApiBurst = OperatorOptions.DefaultApiBurst)
{
    /// <summary>The request budget: about twice the write rate of 1,000 Workspaces converging at once (docs/benchmarks.md), far below a hot loop's.</summary>
    public const double DefaultApiQps = 100;

    public const int DefaultApiBurst = 200;

    public static OperatorOptions From(IConfiguration config)
    {
        var errors = new List<string>();
        string Get(string key, string fallback) => config[key] ?? fallback;
        int Port(string key, int fallback)
        {
            var text = config[key];
            if (text is null) return fallback;
            if (int.TryParse(text, out var port) && port is > 0 and < 65536) return port;
            errors.Add($"--{key} must be a port number (1-65535), got \"{text}\"");
            return fallback;
        }

        int Workers()
        {
            var text = config["workers"];
            if (text is null) return 4;
            if (int.TryParse(text, out var workers) && workers is > 0 and <= 64) return workers;
            errors.Add($"--workers must be a number of reconcile workers (1-64), got \"{text}\"");
            return 4;
        }

        WebhookRegistration Registration()
        {
            var text = Get("register-webhooks", "true").ToLowerInvariant();
            switch (text)
            {
                case "true": return WebhookRegistration.Full;
                case "ca-bundle": return WebhookRegistration.CaBundle;
                case "false": return WebhookRegistration.None;
                default:
                    errors.Add($"--register-webhooks must be true, ca-bundle or false, got \"{text}\"");
                    return WebhookRegistration.Full;
            }
        }

        bool LogFormat()
        {
            var format = Get("log-format", "json");
            if (format is "json" or "text") return format == "json";
            errors.Add($"--log-format must be json or text, got \"{format}\"");
            return true;
        }

        var controllers = Get("controllers", "workspace,ragengine,inferenceset").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        if (controllers.Count == 0 || controllers.Any(c => c is not ("workspace" or "ragengine" or "inferenceset")))
            errors.Add($"--controllers must list workspace, ragengine and/or inferenceset, comma-separated, got \"{config["controllers"]}\"");

        TimeSpan? Cooldown()
        {
            var text = config["inferenceset-scale-down-cooldown"];
            if (text is null) return null;
            if (ScaleDownCooldown.Parse(text) is { } value) return value;
            errors.Add($"--inferenceset-scale-down-cooldown must be a duration such as 120s, 5m or 0s, got \"{text}\"");
            return null;
        }

        var provisioner = Get("node-provisioner", "gpu-provisioner");
        var provisioning = provisioner switch
        {
            "gpu-provisioner" or "azure-gpu-provisioner" => NodeProvisioning.GpuProvisioner,
            "byo" => NodeProvisioning.BringYourOwn,
            "karpenter" => NodeProvisioning.Karpenter,
            _ => AddError(errors, $"--node-provisioner must be gpu-provisioner, karpenter or byo, got \"{provisioner}\""),
        };
        var cloud = Get("cloud", "azure").ToLowerInvariant();
        if (!Kaito.Presets.SkuCatalog.Default.HasCloud(cloud))
            errors.Add($"--cloud must be one of {string.Join(", ", Kaito.Presets.SkuCatalog.Default.Clouds)}, got \"{cloud}\"");
        var gates = FeatureGateParser.Parse(config["feature-gates"], errors);
        var ns = Get("namespace", "kaito-system");
        var ragImage = Get("rag-image", Kaito.Reconcilers.Manifests.RAGEngineManifests.DefaultImage);
        if (ImageReference.Problem(ragImage) is { } imageProblem) errors.Add($"--rag-image \"{ragImage}\" is not an image reference: {imageProblem}");
        var registry = Get("preset-registry", ModelImages.DefaultRegistry);
        if (RegistryProblem(registry) is { } registryProblem) errors.Add($"--preset-registry \"{registry}\" is not a registry name: {registryProblem}");
        var tuningImages = TuningImageOptions(config, errors);
        // Hugging Face models outside the catalog are sized from this endpoint's metadata (--hf-endpoint, else HF_ENDPOINT, else the Hub).
        var (hubEndpoint, hubProblem) = Kaito.Presets.HuggingFace.HubClient.ResolveEndpoint(config["hf-endpoint"], Environment.GetEnvironmentVariable("HF_ENDPOINT"));
        if (hubProblem is not null) errors.Add($"--hf-endpoint (or HF_ENDPOINT): {hubProblem}");
        var hub = hubEndpoint is null ? null : new Kaito.Presets.HuggingFace.HubClient(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, hubEndpoint);
        var scaler = Get("keda-scaler-address", KedaAutoscaling.DefaultScalerAddress);
        if (!HostPort().IsMatch(scaler)) errors.Add($"--keda-scaler-address must be host:port (the gRPC service of the external scaler), got \"{scaler}\"");
        double ApiQps()
        {
            var text = config["api-qps"];
            if (text is null) return DefaultApiQps;
            if (double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var qps) && qps is >= 1 and <= 10_000) return qps;
            errors.Add($"--api-qps must be the API requests a second the operator may send (1-10000), got \"{text}\"");
            return DefaultApiQps;
        }

        int ApiBurst()
        {
            var text = config["api-burst"];
            if (text is null) return DefaultApiBurst;
            if (int.TryParse(text, out var burst) && burst is >= 1 and <= 100_000) return burst;
            errors.Add($"--api-burst must be how many API requests may go at once above --api-qps (1-100000), got \"{text}\"");
            return DefaultApiBurst;
        }

        TimeSpan ShutdownDelay()
        {
            var text = config["shutdown-delay"];
            if (text is null) return TimeSpan.Zero;
            if (GoDuration.ParseSecondsOrDuration(text) is { } delay && delay <= TimeSpan.FromSeconds(60) && delay.Ticks % TimeSpan.TicksPerSecond == 0)
                return delay;
            errors.Add($"--shutdown-delay must be whole seconds (0-60, e.g. 5s), got \"{text}\"");
            return TimeSpan.Zero;
        }

        var options = new OperatorOptions(
            config["kubeconfig"],
            Get("bind-address", "0.0.0.0"),
            Port("webhook-port", 9443),
            Port("health-port", 8081),
            ns,
            config["webhook-url"],
            Get("webhook-service", "kaito-workspace"),
            config["cert-dir"],
            Get("cert-secret", "kaito-webhook-cert"),
            Registration(),
            new AdmissionSettings(provisioning, cloud, gates, ns, hub),
            !string.Equals(config["reconcilers"], "false", StringComparison.OrdinalIgnoreCase),
            Workers(),
            ragImage,
            LogFormat(),
            !string.Equals(config["leader-elect"], "false", StringComparison.OrdinalIgnoreCase),
            controllers.Contains("workspace"),
            controllers.Contains("ragengine"),
            Get("leader-election-id", "kaito-operator-leader"),
            Get("webhook-config-prefix", "kaito"),
            controllers.Contains("inferenceset") && gates.InferenceSetController,
            Cooldown(),
            registry.TrimEnd('/'),
            scaler,
            ShutdownDelay(),
            tuningImages,
            ApiQps(),
            ApiBurst());
        if (errors.Count > 0) throw new OptionsException(errors);
        return options;
    }

    /// <summary>--tuning-downloader-image, --tuning-pusher-image, --adapter-base-image, --insecure-registries and --download-allowed-networks.</summary>
    static Kaito.Reconcilers.Manifests.TuningImages TuningImageOptions(IConfiguration config, List<string> errors)
    {
        string Image(string key, string fallback)
        {
            var image = config[key] ?? fallback;
            if (ImageReference.Problem(image) is { } problem) errors.Add($"--{key} \"{image}\" is not an image reference: {problem}");
            return image;
        }
        var defaults = Kaito.Reconcilers.Manifests.TuningImages.Default;
        var insecure = (config["insecure-registries"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var host in insecure)
        {
            if (host.Contains('/', StringComparison.Ordinal) || RegistryProblem(host) is not null)
                errors.Add($"--insecure-registries: \"{host}\" is not a registry host; list host or host:port names, comma-separated, e.g. registry.local:5000");
        }
        var allowed = (config["download-allowed-networks"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var network in allowed)
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
                errors.Add($"--download-allowed-networks: \"{network}\" is not a network; list CIDRs, comma-separated, e.g. 10.20.0.0/16");
        }
        return new Kaito.Reconcilers.Manifests.TuningImages(
            Image("tuning-downloader-image", defaults.Downloader),
            Image("tuning-pusher-image", defaults.Pusher),
            Image("adapter-base-image", defaults.AdapterBase),
            insecure,
            allowed);
    }

    /// <summary>Why a registry (host[:port][/path], e.g. myregistry.example.com:5000/kaito) cannot prefix image names, or null.</summary>
    public static string? RegistryProblem(string registry)
    {
        if (registry.Length == 0) return "it is empty; give a host and optional path, e.g. myregistry.example.com/kaito";
        if (registry.Contains("://", StringComparison.Ordinal)) return "give the host and path without a scheme, e.g. myregistry.example.com/kaito";
        if (registry.Contains('@', StringComparison.Ordinal)) return "a registry has no digest; give the host and path only";
        return ImageReference.Problem(registry.TrimEnd('/') + "/model:tag");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:\d{1,5}$")]
    private static partial System.Text.RegularExpressions.Regex HostPort();

    static NodeProvisioning AddError(List<string> errors, string message)
    {
        errors.Add(message);
        return NodeProvisioning.GpuProvisioner;
    }
}

/// <summary>What the operator writes into the webhook configurations (--register-webhooks).</summary>
public enum WebhookRegistration
{
    /// <summary>true: creates and updates &lt;prefix&gt;-mutating/validating-webhooks whole (the local operator of `make up`).</summary>
    Full,

    /// <summary>ca-bundle: the configurations belong to the Helm chart; the operator only keeps their caBundle current.</summary>
    CaBundle,

    /// <summary>false: never touches them (cert-manager's cainjector fills caBundle, or a test serves without registering).</summary>
    None,
}

public sealed class OptionsException(IReadOnlyList<string> errors) : Exception(string.Join("\n", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
