namespace Kaito.Webhooks.Tests.Fuzz;

/// <summary>One request: where it goes, its bytes, and the uid it carries when that is a JSON string.</summary>
public sealed record FuzzCase(string Category, string Path, byte[] Body, string? Uid, bool Chunked = false)
{
    public override string ToString() =>
        $"{Category} → {Path} ({Body.Length} bytes{(Chunked ? ", chunked" : "")}): {Preview()}";

    string Preview()
    {
        var text = System.Text.Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 300));
        return Body.Length > 300 ? text + "…" : text;
    }
}
