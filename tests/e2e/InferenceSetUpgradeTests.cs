using System.Globalization;
using System.Text.Json.Nodes;
using Kaito.Testing;
using Xunit.Abstractions;

namespace Kaito.E2E.Tests;

/// <summary>
/// autoUpgrade: replicas keep the model image they were made with when the operator's image changes (here: a new
/// preset registry, as a new release would bring new tags), report the drift, and are replaced one at a time once the
/// maintenance window opens. Exclusive: it restarts the local operator with another --preset-registry and back.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
[Trait("Category", "Exclusive")]
public sealed class InferenceSetUpgradeTests(ControlPlaneFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    const string Set = "upgrade-set";
    const string Mirror = "mirror.example.com/kaito";

    ControlPlane Plane => fixture.Plane;

    static Task<ProcessResult> RestartOperatorAsync(string? registry) =>
        LocalOperator.RestartAsync(new Dictionary<string, string> { ["KAITO_PRESET_REGISTRY"] = registry ?? "" });

    public Task InitializeAsync() => Plane.EnsureOperatorAsync();

    public async Task DisposeAsync()
    {
        var restored = await RestartOperatorAsync(null);
        Assert.True(restored.Succeeded, restored.ToString());
    }

    static string Manifest(string schedule) => $$$"""
        apiVersion: kaito.sh/v1beta1
        kind: InferenceSet
        metadata: {name: {{{Set}}}}
        spec:
          replicas: 2
          labelSelector: {matchLabels: {apps: upgrade-set}}
          autoUpgrade:
            enabled: true
            strategy: InPlace
            maintenanceWindow: {schedule: "{{{schedule}}}", duration: 1h}
          template:
            resource: {instanceType: Standard_NC24ads_A100_v4}
            inference: {preset: {name: phi-3.5-mini-instruct}}
        """;

    Task<JsonArray> ChildrenAsync(string ns) => Plane.InferenceSetChildrenAsync(ns, Set);

    async Task<List<string>> ModelImagesAsync(string ns) =>
        [.. (await Plane.GetJsonAsync("deployments", "-n", ns))["items"]!.AsArray().Select(d => d!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>())];

    [Fact]
    public async Task Replicas_keep_their_image_until_the_window_opens_then_upgrade_one_at_a_time()
    {
        await using var ns = await Plane.CreateNamespaceAsync("iset-upgrade");
        // A window that opens twelve hours from now: closed for the first part of the test.
        var closed = string.Create(CultureInfo.InvariantCulture, $"0 {(DateTime.UtcNow.Hour + 12) % 24} * * *");
        var applied = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], Manifest(closed));
        Assert.True(applied.Succeeded, applied.ToString());
        await Eventually.WaitAsync(async () => (await Plane.GetJsonAsync("inferenceset", Set, "-n", ns.Name))["status"]?["readyReplicas"]?.GetValue<int>() == 2,
            TimeSpan.FromMinutes(3), "2 ready replicas");
        var before = (await ChildrenAsync(ns.Name)).Select(w => w!["metadata"]!["uid"]!.GetValue<string>()).ToHashSet();
        var original = await ModelImagesAsync(ns.Name);
        Assert.All(original, image => Assert.StartsWith("mcr.microsoft.com/aks/kaito/", image, StringComparison.Ordinal));
        Assert.All(await ChildrenAsync(ns.Name), w => Assert.Equal(original[0], w!["metadata"]!["annotations"]!["kaito.sh/model-image"]!.GetValue<string>()));

        // The operator now ships another image: the replicas keep theirs and the set counts them as drifted.
        var restarted = await RestartOperatorAsync(Mirror);
        Assert.True(restarted.Succeeded, restarted.ToString());
        await Eventually.WaitAsync(async () =>
        {
            var set = await Plane.GetJsonAsync("inferenceset", Set, "-n", ns.Name);
            return set["status"]?["autoUpgrade"]?["numDriftedWorkspaces"]?.GetValue<int>() == 2
                && KubectlJson.Condition(set, "AutoUpgrade")?["reason"]?.GetValue<string>() == "WaitingForMaintenanceWindow";
        }, TimeSpan.FromSeconds(90), "2 drifted replicas waiting for the window");
        Assert.Equal(before, (await ChildrenAsync(ns.Name)).Select(w => w!["metadata"]!["uid"]!.GetValue<string>()).ToHashSet());
        Assert.Equal(original, await ModelImagesAsync(ns.Name));

        // The window opens (every minute, for an hour): replaced within maxUnavailable 1.
        var opened = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], Manifest("* * * * *"));
        Assert.True(opened.Succeeded, opened.ToString());
        var worst = 0;
        await Eventually.WaitAsync(async () =>
        {
            var children = await ChildrenAsync(ns.Name);
            var serving = children.Count(w => w!["metadata"]!["deletionTimestamp"] is null && KubectlJson.ConditionStatus(w!.AsObject(), "WorkspaceSucceeded") == "True");
            worst = Math.Max(worst, 2 - serving);
            var set = await Plane.GetJsonAsync("inferenceset", Set, "-n", ns.Name);
            return serving == 2 && children.All(w => !before.Contains(w!["metadata"]!["uid"]!.GetValue<string>()))
                && set["status"]?["autoUpgrade"]?["lastSuccessfulUpgradeTime"] is not null && KubectlJson.ConditionStatus(set, "AutoUpgrade") == "True";
        }, TimeSpan.FromMinutes(5), "both replicas recreated on the new image and the upgrade recorded");
        output.WriteLine($"at most {worst} replica(s) unavailable during the upgrade");
        Assert.InRange(worst, 1, 1);
        Assert.All(await ModelImagesAsync(ns.Name), image => Assert.StartsWith(Mirror + "/", image, StringComparison.Ordinal));
    }
}
