namespace Kaito.Cli;

/// <summary>Positional words and <c>--name value</c> / <c>-o value</c> options, parsed once.</summary>
public sealed class CliArguments
{
    readonly Dictionary<string, string> options = new(StringComparer.Ordinal);
    readonly List<string> files = [];
    readonly HashSet<string> used = new(StringComparer.Ordinal);

    CliArguments(List<string> positional) => Positional = positional;

    public IReadOnlyList<string> Positional { get; }

    /// <summary>Every -f / --filename value, in order (the option may repeat).</summary>
    public IReadOnlyList<string> Files => files;

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        var parsed = new CliArguments(positional);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                positional.Add(arg);
                continue;
            }
            var name = arg.TrimStart('-');
            string value;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"option --{name} needs a value");
            }
            if (name == "o") name = "output";
            if (name is "f" or "filename")
            {
                parsed.files.Add(value);
                continue;
            }
            if (!parsed.options.TryAdd(name, value)) throw new UsageException($"option --{name} is given twice");
        }
        return parsed;
    }

    public string? Get(string name)
    {
        used.Add(name);
        return options.GetValueOrDefault(name);
    }

    public string Require(string name) => Get(name) ?? throw new UsageException($"missing required option --{name}");

    public int? GetInt(string name) =>
        Get(name) is not { } text ? null
        : int.TryParse(text, out var value) ? value
        : throw new UsageException($"--{name} must be a whole number, got \"{text}\"");

    /// <summary>Output format: table (default) or json.</summary>
    public bool Json => (Get("output") ?? "table") switch
    {
        "json" => true,
        "table" or "wide" => false,
        var other => throw new UsageException($"unsupported output format \"{other}\"; use -o json or -o table"),
    };

    /// <summary>Fails on options the command did not read, so typos are not silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = options.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}");
    }
}

/// <summary>Bad input: printed with the usage hint, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
