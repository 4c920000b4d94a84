using System.Globalization;
using System.Text.Json;

namespace Kaito.TestDoubles.GpuImage;

/// <summary>How an option takes its value, as Python's argparse would read it.</summary>
public enum ValueKind { Flag, Text, Integer, Fraction, Json, OneOrMore }

/// <summary>One option an entry point accepts; <paramref name="Check"/> returns a problem with a value, or null.</summary>
public sealed record OptionSpec(string Name, ValueKind Kind, Func<string, string?>? Check = null);

/// <summary>The options given on a command line: name (as declared) → values (empty for a flag).</summary>
public sealed class ParsedOptions(IReadOnlyDictionary<string, IReadOnlyList<string>> values)
{
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Values { get; } = values;

    public bool Has(string name) => Values.ContainsKey(name);

    public string? Get(string name) => Values.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    public IReadOnlyList<string> All(string name) => Values.TryGetValue(name, out var v) ? v : [];
}

/// <summary>
/// A strict argparse: `--name=value`, `--name value`, flags without a value, one-or-more lists; an option not in the
/// table, a flag given a value, a missing or malformed value, or a stray word is an error (argparse's exit code 2).
/// </summary>
public static class ArgumentParser
{
    public static (ParsedOptions? Options, List<string> Errors) Parse(IReadOnlyList<string> args, IReadOnlyList<OptionSpec> table, bool dashesAndUnderscoresAlike)
    {
        var errors = new List<string>();
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        string Key(string name) => dashesAndUnderscoresAlike ? name.Replace('_', '-') : name;
        var byName = table.ToDictionary(o => Key(o.Name), StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                errors.Add($"unrecognized argument: {arg}");
                continue;
            }
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[2..eq] : arg[2..];
            string? inline = eq > 0 ? arg[(eq + 1)..] : null;
            if (!byName.TryGetValue(Key(name), out var spec))
            {
                errors.Add($"unrecognized argument: --{name}");
                continue;
            }
            if (values.ContainsKey(spec.Name) && spec.Kind != ValueKind.Flag)
                errors.Add($"--{spec.Name} given twice");
            List<string> given = [];
            switch (spec.Kind)
            {
                case ValueKind.Flag:
                    if (inline is not null) errors.Add($"--{spec.Name}: ignored explicit argument '{inline}' (it is a flag)");
                    break;
                case ValueKind.OneOrMore:
                    if (inline is not null) given.Add(inline);
                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) given.Add(args[++i]);
                    if (given.Count == 0) errors.Add($"--{spec.Name}: expected at least one argument");
                    break;
                default:
                    if (inline is null)
                    {
                        if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) inline = args[++i];
                        else
                        {
                            errors.Add($"--{spec.Name}: expected one argument");
                            break;
                        }
                    }
                    given.Add(inline);
                    break;
            }
            foreach (var value in given)
                if ((KindProblem(spec.Kind, value) ?? spec.Check?.Invoke(value)) is { } problem) errors.Add($"--{spec.Name}: {problem}");
            values[spec.Name] = given;
        }
        return (errors.Count == 0 ? new ParsedOptions(values) : null, errors);
    }

    static string? KindProblem(ValueKind kind, string value) => kind switch
    {
        ValueKind.Integer when !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => $"invalid int value: '{value}'",
        ValueKind.Fraction when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => $"invalid float value: '{value}'",
        ValueKind.Json when !IsJson(value) => $"invalid JSON: '{value}'",
        ValueKind.Text when value.Length == 0 => "empty value",
        _ => null,
    };

    static bool IsJson(string value)
    {
        try
        {
            using var _ = JsonDocument.Parse(value);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static Func<string, string?> OneOf(params string[] choices) =>
        value => choices.Contains(value, StringComparer.Ordinal) ? null : $"invalid choice: '{value}' (choose from {string.Join(", ", choices)})";

    public static string? AtLeastOne(string value) =>
        int.Parse(value, CultureInfo.InvariantCulture) >= 1 ? null : $"must be at least 1, got {value}";

    public static string? Port(string value) =>
        int.Parse(value, CultureInfo.InvariantCulture) is >= 1 and <= 65535 ? null : $"not a port: {value}";

    public static string? UnitFraction(string value) =>
        double.Parse(value, CultureInfo.InvariantCulture) is > 0 and <= 1 ? null : $"must be in (0, 1], got {value}";
}
