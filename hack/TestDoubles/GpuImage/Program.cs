using System.Text;
using Kaito.TestDoubles.GpuImage;

// A TEST DOUBLE of KAITO's GPU model images: it checks the command line the operator generated as strictly as the
// real entry points (more strictly), then serves their HTTP surface with canned answers. See README.md.
var argv = File.Exists("/proc/self/cmdline")
    ? Encoding.UTF8.GetString(File.ReadAllBytes("/proc/self/cmdline")).TrimEnd('\0').Split('\0')
    : Environment.GetCommandLineArgs();
if (Path.GetFileName(argv[0]) == "crane") return await CraneAppend.RunAsync(argv[1..], Console.Out);
var (settings, errors) = EntryPoints.Read(argv);
if (settings is null || errors.Count > 0)
{
    foreach (var error in errors) Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine($"test double: refusing the command line: {string.Join(' ', argv)}");
    return 2;
}
if (settings.Runtime == Runtime.Trainer) return Trainer.Run(settings.ScriptArgs, Console.Out);
var problems = StartupChecks.Run(settings);
if (problems.Count > 0)
{
    foreach (var problem in problems) Console.Error.WriteLine($"error: {problem}");
    return 1;
}
Faults.ReplayAtStart();
Console.WriteLine($"test double ({settings.Runtime}): serving {settings.ServedModelName} on port {settings.Port} with {settings.Adapters.Count} adapter(s): "
    + string.Join(", ", settings.Adapters.Select(a => $"{a.Name}={a.Path}")));
await ModelServer.Build(settings, args).RunAsync();
return 0;
