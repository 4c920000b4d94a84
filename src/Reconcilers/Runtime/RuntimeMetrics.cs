using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// Counters and histograms of the controllers and work queues, exposed in the Prometheus text format under
/// controller-runtime's metric names so existing dashboards and alerts work unchanged. Lock-free on the hot path.
/// </summary>
public sealed class RuntimeMetrics
{
    public static RuntimeMetrics Default { get; } = new();

    static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    readonly ConcurrentDictionary<string, ControllerStats> controllers = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, QueueStats> queues = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, (string Type, Func<IEnumerable<(string Labels, double Value)>> Read)> series = new(StringComparer.Ordinal);

    public ControllerStats Controller(string name) => controllers.GetOrAdd(name, _ => new ControllerStats());

    public QueueStats Queue(string name) => queues.GetOrAdd(name, _ => new QueueStats());

    /// <summary>A gauge read when scraped: each sample is (label set without braces, value).</summary>
    public void Gauge(string name, Func<IEnumerable<(string Labels, double Value)>> read) => series[name] = ("gauge", read);

    /// <summary>A counter read when scraped, as <see cref="Gauge"/>.</summary>
    public void Counter(string name, Func<IEnumerable<(string Labels, double Value)>> read) => series[name] = ("counter", read);

    public string Render()
    {
        var text = new StringBuilder();
        Header(text, "controller_runtime_reconcile_total", "counter", "Total number of reconciliations per controller");
        foreach (var (name, c) in Sorted(controllers))
        {
            Sample(text, "controller_runtime_reconcile_total", $"controller=\"{name}\",result=\"success\"", c.Success);
            Sample(text, "controller_runtime_reconcile_total", $"controller=\"{name}\",result=\"requeue_after\"", c.RequeueAfter);
            Sample(text, "controller_runtime_reconcile_total", $"controller=\"{name}\",result=\"error\"", c.Errors);
        }
        Header(text, "controller_runtime_reconcile_errors_total", "counter", "Total number of reconciliation errors per controller");
        foreach (var (name, c) in Sorted(controllers)) Sample(text, "controller_runtime_reconcile_errors_total", $"controller=\"{name}\"", c.Errors);
        Header(text, "controller_runtime_reconcile_time_seconds", "histogram", "Length of time per reconciliation per controller");
        foreach (var (name, c) in Sorted(controllers)) c.Time.Write(text, "controller_runtime_reconcile_time_seconds", $"controller=\"{name}\"");
        Header(text, "controller_runtime_active_workers", "gauge", "Number of currently used workers per controller");
        foreach (var (name, c) in Sorted(controllers)) Sample(text, "controller_runtime_active_workers", $"controller=\"{name}\"", c.ActiveWorkers);
        Header(text, "controller_runtime_max_concurrent_reconciles", "gauge", "Maximum number of concurrent reconciles per controller");
        foreach (var (name, c) in Sorted(controllers)) Sample(text, "controller_runtime_max_concurrent_reconciles", $"controller=\"{name}\"", c.MaxWorkers);

        Header(text, "workqueue_depth", "gauge", "Current depth of workqueue");
        foreach (var (name, q) in Sorted(queues)) Sample(text, "workqueue_depth", $"name=\"{name}\"", q.Depth());
        Header(text, "workqueue_adds_total", "counter", "Total number of adds handled by workqueue");
        foreach (var (name, q) in Sorted(queues)) Sample(text, "workqueue_adds_total", $"name=\"{name}\"", q.Adds);
        Header(text, "workqueue_retries_total", "counter", "Total number of retries handled by workqueue");
        foreach (var (name, q) in Sorted(queues)) Sample(text, "workqueue_retries_total", $"name=\"{name}\"", q.Retries);
        Header(text, "workqueue_queue_duration_seconds", "histogram", "How long in seconds an item stays in workqueue before being requested");
        foreach (var (name, q) in Sorted(queues)) q.Wait.Write(text, "workqueue_queue_duration_seconds", $"name=\"{name}\"");
        Header(text, "workqueue_work_duration_seconds", "histogram", "How long in seconds processing an item from workqueue takes");
        foreach (var (name, q) in Sorted(queues)) q.Work.Write(text, "workqueue_work_duration_seconds", $"name=\"{name}\"");

        foreach (var (name, (type, read)) in series.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Header(text, name, type, null);
            foreach (var (labels, value) in read()) Sample(text, name, labels, value);
        }
        return text.ToString();
    }

    static IEnumerable<KeyValuePair<string, T>> Sorted<T>(ConcurrentDictionary<string, T> items) => items.OrderBy(i => i.Key, StringComparer.Ordinal);

    static void Header(StringBuilder text, string name, string type, string? help)
    {
        if (help is not null) text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    internal static void Sample(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    public sealed class ControllerStats
    {
        long success, requeueAfter, errors, active;

        public long Success => Interlocked.Read(ref success);
        public long RequeueAfter => Interlocked.Read(ref requeueAfter);
        public long Errors => Interlocked.Read(ref errors);
        public long ActiveWorkers => Interlocked.Read(ref active);
        public int MaxWorkers { get; set; }
        public Histogram Time { get; } = new(Buckets);

        public void Started() => Interlocked.Increment(ref active);

        public void Finished(TimeSpan elapsed, bool failed, bool requeued)
        {
            Interlocked.Decrement(ref active);
            Time.Observe(elapsed.TotalSeconds);
            if (failed) Interlocked.Increment(ref errors);
            else if (requeued) Interlocked.Increment(ref requeueAfter);
            else Interlocked.Increment(ref success);
        }
    }

    public sealed class QueueStats
    {
        long adds, retries;

        public long Adds => Interlocked.Read(ref adds);
        public long Retries => Interlocked.Read(ref retries);
        public Func<int> Depth { get; set; } = () => 0;
        public Histogram Wait { get; } = new(Buckets);
        public Histogram Work { get; } = new(Buckets);

        public void Added() => Interlocked.Increment(ref adds);

        public void Retried() => Interlocked.Increment(ref retries);
    }

    /// <summary>Cumulative buckets plus sum and count, as Prometheus histograms are exposed.</summary>
    public sealed class Histogram(double[] bounds)
    {
        readonly long[] counts = new long[bounds.Length + 1];
        long count;
        long sumMicros;

        public long Count => Interlocked.Read(ref count);

        public void Observe(double seconds)
        {
            var index = Array.FindIndex(bounds, b => seconds <= b);
            Interlocked.Increment(ref counts[index < 0 ? bounds.Length : index]);
            Interlocked.Increment(ref count);
            Interlocked.Add(ref sumMicros, (long)(seconds * 1_000_000));
        }

        public void Write(StringBuilder text, string name, string labels)
        {
            long cumulative = 0;
            for (var i = 0; i < bounds.Length; i++)
            {
                cumulative += Interlocked.Read(ref counts[i]);
                Sample(text, name + "_bucket", $"{labels},le=\"{bounds[i].ToString(CultureInfo.InvariantCulture)}\"", cumulative);
            }
            Sample(text, name + "_bucket", $"{labels},le=\"+Inf\"", Count);
            Sample(text, name + "_sum", labels, Interlocked.Read(ref sumMicros) / 1_000_000.0);
            Sample(text, name + "_count", labels, Count);
        }
    }
}
