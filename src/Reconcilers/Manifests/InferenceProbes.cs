using k8s.Models;
using Kaito.Presets;

namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// Probes of the inference container. A startup probe holds liveness/readiness off while weights download and
/// load: its budget is 15 min + 18 s per GiB of weights, clamped to 30–180 min (period 10 s). After that,
/// liveness (3 misses) and readiness poll /health every 10 s. Multi-node pods run an exec check that asks the
/// leader instead, because workers serve no HTTP.
/// </summary>
public static class InferenceProbes
{
    public const string HealthPath = "/health";
    public const int PeriodSeconds = 10;
    public const string MultiNodeHealthCheck = "/workspace/vllm/multi-node-health-check.py";

    public static TimeSpan StartupBudget(ModelPreset? model)
    {
        var seconds = 15 * 60 + 18 * (model?.WeightsGiB ?? 0);
        return TimeSpan.FromSeconds(Math.Clamp(seconds, 30 * 60, 180 * 60));
    }

    public static int StartupFailureThreshold(ModelPreset? model) =>
        (int)Math.Ceiling(StartupBudget(model).TotalSeconds / PeriodSeconds);

    public static (V1Probe Startup, V1Probe Liveness, V1Probe Readiness) For(ModelPreset? model, string? leaderAddress)
    {
        V1Probe Check() => leaderAddress is null
            ? new V1Probe { HttpGet = new V1HTTPGetAction { Path = HealthPath, Port = ManifestConstants.HttpPort } }
            : new V1Probe
            {
                Exec = new V1ExecAction
                {
                    Command =
                    [
                        "python3", MultiNodeHealthCheck, "readiness",
                        $"--leader-address={leaderAddress}",
                        $"--ray-port={ManifestConstants.RayPort}",
                        $"--vllm-port={ManifestConstants.HttpPort}",
                    ],
                },
                TimeoutSeconds = 5,
            };

        var startup = Check();
        startup.PeriodSeconds = PeriodSeconds;
        startup.FailureThreshold = StartupFailureThreshold(model);
        var liveness = Check();
        liveness.PeriodSeconds = PeriodSeconds;
        liveness.FailureThreshold = 3;
        var readiness = Check();
        readiness.PeriodSeconds = PeriodSeconds;
        readiness.FailureThreshold = 3;
        return (startup, liveness, readiness);
    }
}
