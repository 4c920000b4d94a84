using static Kaito.TestDoubles.GpuImage.ArgumentParser;

namespace Kaito.TestDoubles.GpuImage;

/// <summary>Which server the command line starts, and with what.</summary>
public enum Runtime { Vllm, Transformers, Rag, Trainer }

/// <summary>What the double serves: the names clients may ask for, the adapters it loaded, its port.</summary>
public sealed record ServerSettings(Runtime Runtime, string ServedModelName, string Model, IReadOnlyList<Adapter> Adapters, int Port)
{
    /// <summary>The options given to a script that is run rather than served (the trainer).</summary>
    public IReadOnlyList<string> ScriptArgs { get; init; } = [];
}

public sealed record Adapter(string Name, string Path);

/// <summary>
/// The entry points of KAITO's model images and the options each accepts (shared/reference/kaito-controllers.md §2.4,
/// checked against KAITO's sources): `python3 /workspace/vllm/inference_api.py` (vLLM's OpenAI server options plus
/// KAITO's --kaito-*), and `accelerate launch … /workspace/tfs/inference_api.py` (the transformers server's ModelConfig
/// fields). Stricter than the real images on purpose: an option missing from these tables fails, so a flag the operator
/// starts emitting must be checked against KAITO's entry point and added here.
/// </summary>
public static class EntryPoints
{
    public const string VllmScript = "/workspace/vllm/inference_api.py";
    public const string TransformersScript = "/workspace/tfs/inference_api.py";
    public const int KaitoPort = 5000;
    public const string AdaptersDir = "/mnt/adapter";

    static readonly string[] Dtypes = ["auto", "half", "float16", "bfloat16", "float", "float32"];

    public static readonly IReadOnlyList<OptionSpec> Vllm =
    [
        new("model", ValueKind.Text),
        new("served-model-name", ValueKind.OneOrMore),
        new("dtype", ValueKind.Text, OneOf(Dtypes)),
        new("tensor-parallel-size", ValueKind.Integer, AtLeastOne),
        new("pipeline-parallel-size", ValueKind.Integer, AtLeastOne),
        new("data-parallel-size", ValueKind.Integer, AtLeastOne),
        new("max-model-len", ValueKind.Integer, AtLeastOne),
        new("gpu-memory-utilization", ValueKind.Fraction, UnitFraction),
        new("port", ValueKind.Integer, Port),
        new("host", ValueKind.Text),
        new("download-dir", ValueKind.Text),
        new("load-format", ValueKind.Text),
        new("config-format", ValueKind.Text),
        new("tokenizer-mode", ValueKind.Text),
        new("trust-remote-code", ValueKind.Flag),
        new("enable-lora", ValueKind.Flag),
        new("lora-modules", ValueKind.OneOrMore),
        new("max-loras", ValueKind.Integer, AtLeastOne),
        new("max-lora-rank", ValueKind.Integer, AtLeastOne),
        new("distributed-executor-backend", ValueKind.Text, OneOf("ray", "mp", "uni", "external_launcher")),
        new("tool-call-parser", ValueKind.Text),
        new("enable-auto-tool-choice", ValueKind.Flag),
        new("chat-template", ValueKind.Text),
        new("reasoning-parser", ValueKind.Text),
        new("kv-cache-dtype", ValueKind.Text),
        new("enable-expert-parallel", ValueKind.Flag),
        new("quantization", ValueKind.Text),
        new("enforce-eager", ValueKind.Flag),
        new("cpu-offload-gb", ValueKind.Fraction),
        new("max-num-seqs", ValueKind.Integer, AtLeastOne),
        new("code-revision", ValueKind.Text),
        new("revision", ValueKind.Text),
        new("kv-events-config", ValueKind.Json),
        new("model-loader-extra-config", ValueKind.Json),
        new("kaito-config-file", ValueKind.Text),
        new("kaito-adapters-dir", ValueKind.Text),
        new("kaito-max-probe-steps", ValueKind.Integer, AtLeastOne),
        new("kaito-kv-cache-cpu-memory-utilization", ValueKind.Fraction),
    ];

    /// <summary>The ModelConfig fields of KAITO's transformers server (underscore style only, as HfArgumentParser declares them).</summary>
    public static readonly IReadOnlyList<OptionSpec> Transformers =
    [
        new("pretrained_model_name_or_path", ValueKind.Text),
        new("served_model_name", ValueKind.Text),
        new("pipeline", ValueKind.Text, OneOf("text-generation", "conversational")),
        new("torch_dtype", ValueKind.Text, OneOf([.. Dtypes, "float64", "int8"])),
        new("combination_type", ValueKind.Text),
        new("cache_dir", ValueKind.Text),
        new("allow_remote_files", ValueKind.Flag),
        new("revision", ValueKind.Text),
        new("trust_remote_code", ValueKind.Flag),
        new("load_in_4bit", ValueKind.Flag),
        new("load_in_8bit", ValueKind.Flag),
        new("device_map", ValueKind.Text),
        new("chat_template", ValueKind.Text),
    ];

    /// <summary>`accelerate launch` options that may precede the script.</summary>
    public static readonly IReadOnlyList<OptionSpec> AccelerateLaunch =
    [
        new("num_processes", ValueKind.Integer, AtLeastOne),
        new("num_machines", ValueKind.Integer, AtLeastOne),
        new("machine_rank", ValueKind.Integer),
        new("gpu_ids", ValueKind.Text),
        new("mixed_precision", ValueKind.Text, OneOf("no", "fp16", "bf16", "fp8")),
        new("multi_gpu", ValueKind.Flag),
        new("main_process_ip", ValueKind.Text),
        new("main_process_port", ValueKind.Integer, Port),
    ];

    /// <summary>Reads the command line the container was started with (the program name included).</summary>
    public static (ServerSettings? Settings, List<string> Errors) Read(IReadOnlyList<string> argv)
    {
        var program = argv.Count > 0 ? Path.GetFileName(argv[0]) : "";
        if (program == "python3" && argv.Count > 1 && argv[1] == VllmScript)
            return ReadVllm(argv.Skip(2).ToList());
        // KAITO's RAG image: `python3 main.py`, configured by its environment (RagService checks it).
        if (program == "python3" && argv.Count == 2 && argv[1] == RagService.Script)
            return (new ServerSettings(Runtime.Rag, "ragengine", "", [], KaitoPort), []);
        if (program == "accelerate" && argv.Count > 1 && argv[1] == "launch")
        {
            var script = argv.Skip(2).ToList().FindIndex(a => !a.StartsWith("--", StringComparison.Ordinal));
            if (script < 0) return (null, ["accelerate launch: no script to run"]);
            var launch = argv.Skip(2).Take(script).ToList();
            var (_, launchErrors) = Parse(launch, AccelerateLaunch, dashesAndUnderscoresAlike: true);
            var path = argv[2 + script];
            if (path == Trainer.Script)
                return (new ServerSettings(Runtime.Trainer, "", "", [], 0) { ScriptArgs = argv.Skip(3 + script).ToList() }, [.. launchErrors.Select(e => $"accelerate launch {e}")]);
            if (path != TransformersScript)
                return (null, [.. launchErrors.Select(e => $"accelerate launch {e}"), $"accelerate launch: {path}: this double runs only {TransformersScript} and {Trainer.Script}"]);
            var (settings, errors) = ReadTransformers(argv.Skip(3 + script).ToList());
            return (settings, [.. launchErrors.Select(e => $"accelerate launch {e}"), .. errors]);
        }
        return (null, [$"not an entry point of KAITO's model images: {string.Join(' ', argv)} (expected `python3 {VllmScript} …`, `accelerate launch … {TransformersScript} …`, `accelerate launch … {Trainer.Script}` or `python3 {RagService.Script}`)"]);
    }

    static (ServerSettings?, List<string>) ReadVllm(List<string> args)
    {
        var (options, errors) = Parse(args, Vllm, dashesAndUnderscoresAlike: true);
        if (options is null) return (null, errors);
        var model = options.Get("model");
        if (model is null) return (null, ["--model is required (KAITO passes the weights' path or the Hugging Face id)"]);
        var adapters = new List<Adapter>();
        var modules = options.All("lora-modules");
        if (modules.Count > 0 && !options.Has("enable-lora")) errors.Add("--lora-modules needs --enable-lora");
        foreach (var module in modules)
        {
            var eq = module.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == module.Length - 1) errors.Add($"--lora-modules: '{module}' is not name=path");
            else adapters.Add(new Adapter(module[..eq], module[(eq + 1)..]));
        }
        if (options.Get("kaito-config-file") is { } config && !File.Exists(config))
            errors.Add($"--kaito-config-file: {config} does not exist (is the ConfigMap mounted?)");
        var port = options.Get("port") is { } p ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : KaitoPort;
        var served = options.All("served-model-name") is { Count: > 0 } names ? names[0] : model;
        return errors.Count > 0 ? (null, errors) : (new ServerSettings(Runtime.Vllm, served, model, adapters, port), errors);
    }

    static (ServerSettings?, List<string>) ReadTransformers(List<string> args)
    {
        var (options, errors) = Parse(args, Transformers, dashesAndUnderscoresAlike: false);
        if (options is null) return (null, errors);
        var model = options.Get("pretrained_model_name_or_path") ?? "/workspace/tfs/weights";
        // The transformers server loads every adapter under /mnt/adapter that carries adapter_config.json.
        var adapters = Directory.Exists(AdaptersDir)
            ? Directory.GetDirectories(AdaptersDir).Where(d => File.Exists(Path.Combine(d, "adapter_config.json")))
                .Order(StringComparer.Ordinal).Select(d => new Adapter(Path.GetFileName(d), d)).ToList()
            : [];
        return (new ServerSettings(Runtime.Transformers, options.Get("served_model_name") ?? model, model, adapters, KaitoPort), errors);
    }
}
