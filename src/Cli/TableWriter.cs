namespace Kaito.Cli;

/// <summary>kubectl-style columns: upper-case headers, left-aligned, three spaces apart.</summary>
public static class TableWriter
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Line(headers.Select(h => h.ToUpperInvariant()).ToList(), widths));
        foreach (var row in all) output.WriteLine(Line(row, widths));
    }

    static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("   ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
