using System.Globalization;

namespace Kaito.Presets;

/// <summary>
/// KAITO's scaledobject.kaito.sh/* annotations on an InferenceSet, read once for the webhook (every problem, by key) and
/// for the reconciler (the KEDA ScaledObject it writes): auto-provision "true" asks for a ScaledObject scaling the set
/// on a vLLM metric (metricName, default vllm:num_requests_waiting) against a per-replica threshold, between
/// min-replicas (default 1; 0 scales to zero) and max-replicas (default spec.nodeCountLimit).
/// </summary>
public sealed record KedaAutoscaling(string MetricName, string Threshold, int MinReplicas, int MaxReplicas)
{
    public const string Prefix = "scaledobject.kaito.sh/";
    public const string AutoProvisionKey = Prefix + "auto-provision";
    public const string MetricNameKey = Prefix + "metricName";
    public const string ThresholdKey = Prefix + "threshold";
    public const string MinReplicasKey = Prefix + "min-replicas";
    public const string MaxReplicasKey = Prefix + "max-replicas";

    /// <summary>Marks a ScaledObject this operator wrote (and so may change or delete).</summary>
    public const string ManagedByKey = Prefix + "managed-by";
    public const string ManagedByValue = "kaito-operator";

    public const string DefaultMetric = "vllm:num_requests_waiting";

    /// <summary>The external scaler serving vLLM metrics to KEDA: keda-kaito-scaler's gRPC service (flag --keda-scaler-address).</summary>
    public const string DefaultScalerAddress = "keda-kaito-scaler.kaito-workspace.svc:10450";

    static readonly string[] Known = [AutoProvisionKey, MetricNameKey, ThresholdKey, MinReplicasKey, MaxReplicasKey, ManagedByKey];

    /// <summary>One wrong annotation: its key, its value (null when missing) and what to do.</summary>
    public sealed record Problem(string Key, string? Value, string Message);

    /// <summary>Whether the annotations ask for a ScaledObject (auto-provision is "true").</summary>
    public static bool Requested(IDictionary<string, string>? annotations) =>
        annotations?.TryGetValue(AutoProvisionKey, out var value) == true && value == "true";

    /// <summary>The settings when requested and valid; otherwise null and every problem (none when not requested).</summary>
    public static (KedaAutoscaling? Settings, IReadOnlyList<Problem> Problems) Read(IDictionary<string, string>? annotations, int? nodeCountLimit)
    {
        var problems = new List<Problem>();
        if (annotations is null) return (null, problems);
        foreach (var key in annotations.Keys.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal) && !Known.Contains(k)).Order(StringComparer.Ordinal))
            problems.Add(new(key, annotations[key], $"not an annotation this operator reads; supported: {string.Join(", ", Known[..5])}"));
        if (!annotations.TryGetValue(AutoProvisionKey, out var auto)) return (null, problems);
        if (auto is not ("true" or "false")) problems.Add(new(AutoProvisionKey, auto, "must be \"true\" or \"false\""));
        if (auto != "true") return (null, problems);

        var metric = annotations.TryGetValue(MetricNameKey, out var m) ? m : DefaultMetric;
        if (string.IsNullOrWhiteSpace(metric)) problems.Add(new(MetricNameKey, metric, $"must name a metric of the model server, e.g. {DefaultMetric}"));
        string threshold = "";
        if (!annotations.TryGetValue(ThresholdKey, out var t))
            problems.Add(new(ThresholdKey, null, "required with auto-provision: the metric's value per replica above which the set scales up, e.g. \"10\""));
        else if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number) || number <= 0)
            problems.Add(new(ThresholdKey, t, "must be a positive number, e.g. \"10\""));
        else
            threshold = t;
        var min = Count(annotations, MinReplicasKey, problems) ?? 1;
        var max = Count(annotations, MaxReplicasKey, problems) ?? nodeCountLimit;
        if (max is null)
            problems.Add(new(MaxReplicasKey, null, "required with auto-provision unless spec.nodeCountLimit is set: the most replicas KEDA may scale to"));
        else if (max < Math.Max(min, 1))
            problems.Add(new(MaxReplicasKey, max.Value.ToString(CultureInfo.InvariantCulture), $"must be at least 1 and at least min-replicas ({min})"));
        return problems.Count > 0 ? (null, problems) : (new KedaAutoscaling(metric, threshold, min, max!.Value), problems);
    }

    static int? Count(IDictionary<string, string> annotations, string key, List<Problem> problems)
    {
        if (!annotations.TryGetValue(key, out var text)) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 1000) return n;
        problems.Add(new(key, text, "must be a whole number from 0 to 1000"));
        return null;
    }
}
