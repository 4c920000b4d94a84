using Kaito.CrdGen;

// Usage: Kaito.CrdGen [--check] [repository root]
//   writes the CRDs of the charts, or with --check exits 1 when the committed files are stale.
var check = args.Contains("--check");
var root = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? Directory.GetCurrentDirectory();
var stale = new List<string>();
foreach (var (type, relative) in CrdGenerator.Targets)
{
    var path = Path.Combine(root, relative);
    var rendered = CrdGenerator.Render(type);
    var current = File.Exists(path) ? File.ReadAllText(path) : null;
    if (current == rendered) continue;
    if (check) { stale.Add(relative); continue; }
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    File.WriteAllText(path, rendered);
    Console.WriteLine($"wrote {relative}");
}
if (stale.Count > 0)
{
    Console.Error.WriteLine($"stale CRDs (run `make crds`): {string.Join(", ", stale)}");
    return 1;
}
return 0;
