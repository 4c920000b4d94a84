using Kaito.Presets;

namespace Kaito.Presets.Tests;

public sealed class KedaAutoscalingTests
{
    static Dictionary<string, string> A(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => KedaAutoscaling.Prefix + p.Key, p => p.Value);

    [Fact]
    public void Without_auto_provision_nothing_is_asked_for()
    {
        Assert.False(KedaAutoscaling.Requested(null));
        var (settings, problems) = KedaAutoscaling.Read(new Dictionary<string, string> { ["other"] = "x" }, null);
        Assert.Null(settings);
        Assert.Empty(problems);
        Assert.Null(KedaAutoscaling.Read(A(("auto-provision", "false")), null).Settings);
    }

    [Fact]
    public void Defaults_are_the_vllm_queue_metric_one_replica_and_the_node_count_limit()
    {
        var (settings, problems) = KedaAutoscaling.Read(A(("auto-provision", "true"), ("threshold", "10")), nodeCountLimit: 5);
        Assert.Empty(problems);
        Assert.Equal(new KedaAutoscaling("vllm:num_requests_waiting", "10", 1, 5), settings);
    }

    [Fact]
    public void Explicit_values_are_used_and_zero_minimum_scales_to_zero()
    {
        var (settings, _) = KedaAutoscaling.Read(A(("auto-provision", "true"), ("threshold", "2.5"), ("metricName", "vllm:num_requests_running"),
            ("min-replicas", "0"), ("max-replicas", "3")), nodeCountLimit: null);
        Assert.Equal(new KedaAutoscaling("vllm:num_requests_running", "2.5", 0, 3), settings);
    }

    [Fact]
    public void Every_problem_is_reported_by_its_key()
    {
        var (settings, problems) = KedaAutoscaling.Read(A(("auto-provision", "true"), ("threshold", "-1"), ("min-replicas", "x"), ("typo", "1")), nodeCountLimit: null);
        Assert.Null(settings);
        var keys = problems.Select(p => p.Key.Replace(KedaAutoscaling.Prefix, "", StringComparison.Ordinal)).ToList();
        Assert.Equal(["typo", "threshold", "min-replicas", "max-replicas"], keys);
        Assert.Contains("positive number", problems[1].Message, StringComparison.Ordinal);
        Assert.Contains("spec.nodeCountLimit", problems[3].Message, StringComparison.Ordinal);
        Assert.Null(problems[3].Value);
    }

    [Theory]
    [InlineData("yes", "auto-provision")]
    [InlineData("true", "threshold")]
    public void A_wrong_switch_or_a_missing_threshold_is_a_problem(string auto, string key)
    {
        var problems = KedaAutoscaling.Read(A(("auto-provision", auto), ("max-replicas", "2")), null).Problems;
        Assert.Equal(KedaAutoscaling.Prefix + key, Assert.Single(problems).Key);
    }

    [Fact]
    public void A_maximum_below_the_minimum_is_a_problem()
    {
        var problems = KedaAutoscaling.Read(A(("auto-provision", "true"), ("threshold", "1"), ("min-replicas", "3"), ("max-replicas", "2")), null).Problems;
        Assert.Contains("at least min-replicas (3)", Assert.Single(problems).Message, StringComparison.Ordinal);
    }
}
