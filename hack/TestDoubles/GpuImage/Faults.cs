using System.Globalization;

namespace Kaito.TestDoubles.GpuImage;

/// <summary>
/// Faults a test asks for over HTTP. They are written to /dev/shm (the pod's memory-backed emptyDir, which outlives a
/// container restart) and replayed at every start, so the kubelet sees the container fail again and again
/// (CrashLoopBackOff), as a model that cannot load would.
/// </summary>
public static class Faults
{
    public static string MarkerPath { get; set; } = "/dev/shm/kaito-test-double-fault";

    public static void Remember(string fault)
    {
        try
        {
            File.WriteAllText(MarkerPath, fault);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"test double: cannot remember the fault in {MarkerPath}: {e.Message}");
        }
    }

    /// <summary>Replays a remembered fault; returns only if there is none.</summary>
    public static void ReplayAtStart()
    {
        if (!File.Exists(MarkerPath)) return;
        var fault = File.ReadAllText(MarkerPath).Trim().Split(' ');
        Act(fault[0], fault.Length > 1 ? int.Parse(fault[1], CultureInfo.InvariantCulture) : 1);
    }

    public static void Act(string kind, int amount)
    {
        switch (kind)
        {
            case "crash":
                Console.Error.WriteLine($"test double: crashing with exit code {amount}, as asked");
                Environment.Exit(amount);
                break;
            case "oom":
                Console.Error.WriteLine($"test double: allocating {amount} MiB, as asked");
                // Outside the GC heap: the runtime caps its heap below the cgroup limit and would throw
                // OutOfMemoryException; a model server's memory (CUDA host buffers, tokenizers) is native, and the kernel
                // kills the container when it passes the limit.
                var held = new List<IntPtr>();
                for (var i = 0; i < amount; i++)
                {
                    var block = System.Runtime.InteropServices.Marshal.AllocHGlobal(1 << 20);
                    for (var page = 0; page < 1 << 20; page += 4096) System.Runtime.InteropServices.Marshal.WriteByte(block, page, 1);
                    held.Add(block);
                }
                Console.Error.WriteLine($"test double: holding {held.Count} MiB and still alive (no memory limit below it?)");
                Thread.Sleep(Timeout.Infinite);
                break;
        }
    }
}
