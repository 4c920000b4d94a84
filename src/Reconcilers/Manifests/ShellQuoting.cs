using System.Buffers;

namespace Kaito.Reconcilers.Manifests;

/// <summary>POSIX shell quoting for values embedded in generated sh -c scripts.</summary>
public static class ShellQuoting
{
    static readonly SearchValues<char> Safe = SearchValues.Create(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%");

    /// <summary>The text unchanged when it holds only safe characters, else single-quoted.</summary>
    public static string Quote(string text) =>
        text.Length > 0 && !text.AsSpan().ContainsAnyExcept(Safe)
            ? text
            : "'" + text.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'";

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));
}
