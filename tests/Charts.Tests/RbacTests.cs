using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Kaito.Testing;

namespace Kaito.Charts.Tests;

/// <summary>
/// Least privilege, checked both ways: every Kubernetes client call in src/ maps (through <see cref="Calls"/>) to
/// the permissions it needs, and each chart's rendered ClusterRole and Role grant exactly the union of what its
/// controller needs, nothing more. A new client call fails <see cref="Every_client_call_in_src_is_known"/> until it
/// is added here with the charts that need it; which chart needs a call is this table's claim, and
/// HelmInstallTests checks it by running each operator on its chart's ServiceAccount.
/// </summary>
public sealed partial class RbacTests
{
    /// <summary>A permission: Cluster (ClusterRole) or Namespace (Role in the release namespace). "{own}" is the chart's kind.</summary>
    sealed record Grant(bool Namespaced, string Group, string Resource, string Verb, bool ByName = false)
    {
        public override string ToString() =>
            $"{(Namespaced ? "Role" : "ClusterRole")} {(Group.Length == 0 ? "core" : Group)}/{Resource} {Verb}{(ByName ? " (by name)" : "")}";
    }

    [Flags]
    public enum Chart
    {
        Workspace = 1,
        RAGEngine = 2,
        Both = Workspace | RAGEngine,
    }

    /// <param name="KarpenterOnly">Needed only when the workspace chart runs with operator.nodeProvisioner=karpenter.</param>
    sealed record Call(string Key, Chart Charts, Grant[] Grants, string Why, bool KarpenterOnly = false);

    static Grant[] C(string group, string resource, params string[] verbs) => [.. verbs.Select(v => new Grant(false, group, resource, v))];

    static Grant[] Named(bool namespaced, string group, string resource, params string[] verbs) => [.. verbs.Select(v => new Grant(namespaced, group, resource, v, ByName: verbs is not ["create"]))];

    const string KaitoApi = "kaito.sh";
    const string KarpenterApi = "karpenter.sh";
    const string KedaApi = "keda.sh";
    const string AdmissionApi = "admissionregistration.k8s.io";

    /// <summary>
    /// Keys are &lt;API group property&gt;.&lt;method without Async&gt;[&lt;type argument&gt;]; the list calls made
    /// WithHttpMessages are the informers' watches. Server-side apply (Patch...) needs create too: the API server
    /// authorizes create when the applied object does not exist yet.
    /// </summary>
    static readonly Call[] Calls =
    [
        new("CustomObjects.ListClusterCustomObject<WorkspaceList>", Chart.Workspace, C(KaitoApi, "workspaces", "list"), "informer"),
        new("CustomObjects.ListClusterCustomObjectWithHttpMessages<WorkspaceList>", Chart.Workspace, C(KaitoApi, "workspaces", "watch"), "informer"),
        new("CustomObjects.ListClusterCustomObject<RAGEngineList>", Chart.RAGEngine, C(KaitoApi, "ragengines", "list"), "informer"),
        new("CustomObjects.ListClusterCustomObjectWithHttpMessages<RAGEngineList>", Chart.RAGEngine, C(KaitoApi, "ragengines", "watch"), "informer"),
        new("CustomObjects.ListClusterCustomObject<InferenceSetList>", Chart.Workspace, C(KaitoApi, "inferencesets", "list"), "informer"),
        new("CustomObjects.ListClusterCustomObjectWithHttpMessages<InferenceSetList>", Chart.Workspace, C(KaitoApi, "inferencesets", "watch"), "informer"),
        new("CustomObjects.PatchNamespacedCustomObject<T>", Chart.Workspace, C(KaitoApi, "inferencesets", "patch"), "InferenceSet finalizer"),
        new("CustomObjects.PatchNamespacedCustomObjectStatus", Chart.Workspace, C(KaitoApi, "inferencesets/status", "patch"), "InferenceSet status"),
        new("CustomObjects.CreateNamespacedCustomObject", Chart.Workspace, C(KaitoApi, "workspaces", "create"), "an InferenceSet's Workspaces"),
        new("CustomObjects.DeleteNamespacedCustomObject", Chart.Workspace, C(KaitoApi, "workspaces", "delete"), "an InferenceSet's Workspaces, scaled down or replaced"),
        new("CustomObjects.PatchNamespacedCustomObject", Chart.Workspace, C(KaitoApi, "workspaces", "patch"), "an InferenceSet's Workspaces pinned to their model image"),
        new("CustomObjects.GetNamespacedCustomObject<ScaledObject>", Chart.Workspace, C(KedaApi, "scaledobjects", "get"), "an InferenceSet's KEDA ScaledObject"),
        new("CustomObjects.PatchNamespacedCustomObject", Chart.Workspace, C(KedaApi, "scaledobjects", "patch", "create"), "an InferenceSet's KEDA ScaledObject (server-side apply)"),
        new("CustomObjects.DeleteNamespacedCustomObject", Chart.Workspace, C(KedaApi, "scaledobjects", "delete"), "an InferenceSet's KEDA ScaledObject, no longer asked for"),
        new("BlockOwnerDeletion = true", Chart.Workspace, C(KaitoApi, "inferencesets/finalizers", "update"), "OwnerReferencesPermissionEnforcement (an InferenceSet's Workspaces)"),
        new("CustomObjects.ListClusterCustomObject<NodeClaimList>", Chart.Both, C(KarpenterApi, "nodeclaims", "list"), "informer"),
        new("CustomObjects.ListClusterCustomObjectWithHttpMessages<NodeClaimList>", Chart.Both, C(KarpenterApi, "nodeclaims", "watch"), "informer"),
        new("CustomObjects.PatchNamespacedCustomObject<T>", Chart.Both, C(KaitoApi, "{own}", "patch"), "finalizer"),
        new("CustomObjects.PatchNamespacedCustomObjectStatus", Chart.Both, C(KaitoApi, "{own}/status", "patch"), "conditions"),
        new("CustomObjects.CreateClusterCustomObject", Chart.Both, C(KarpenterApi, "nodeclaims", "create"), "GPU nodes"),
        new("CustomObjects.DeleteClusterCustomObject", Chart.Both, C(KarpenterApi, "nodeclaims", "delete"), "GPU nodes released on deletion"),
        new("CustomObjects.GetClusterCustomObject<NodePool>", Chart.Workspace, C(KarpenterApi, "nodepools", "get"), "Karpenter mode: the Workspace's NodePool", KarpenterOnly: true),
        new("CustomObjects.CreateClusterCustomObject", Chart.Workspace, C(KarpenterApi, "nodepools", "create"), "Karpenter mode: the Workspace's NodePool", KarpenterOnly: true),
        new("CustomObjects.PatchClusterCustomObject", Chart.Workspace, C(KarpenterApi, "nodepools", "patch"), "Karpenter mode: NodePool replicas", KarpenterOnly: true),
        new("CustomObjects.DeleteClusterCustomObject", Chart.Workspace, C(KarpenterApi, "nodepools", "delete"), "Karpenter mode: NodePool released on deletion", KarpenterOnly: true),
        new("BlockOwnerDeletion = true", Chart.Both, C(KaitoApi, "{own}/finalizers", "update"), "OwnerReferencesPermissionEnforcement"),
        new("CoreV1.ListNode", Chart.Both, C("", "nodes", "list"), "informer; the webhook's GPU node lookup"),
        new("CoreV1.ListNodeWithHttpMessages", Chart.Both, C("", "nodes", "watch"), "informer"),
        new("CoreV1.ListPodForAllNamespaces", Chart.Both, C("", "pods", "list"), "informer"),
        new("CoreV1.ListPodForAllNamespacesWithHttpMessages", Chart.Both, C("", "pods", "watch"), "informer"),
        new("CoreV1.ListServiceForAllNamespaces", Chart.Both, C("", "services", "list"), "informer"),
        new("CoreV1.ListServiceForAllNamespacesWithHttpMessages", Chart.Both, C("", "services", "watch"), "informer"),
        new("CoreV1.ListConfigMapForAllNamespaces", Chart.RAGEngine, C("", "configmaps", "list"), "informer"),
        new("CoreV1.ListConfigMapForAllNamespacesWithHttpMessages", Chart.RAGEngine, C("", "configmaps", "watch"), "informer"),
        new("AppsV1.ListDeploymentForAllNamespaces", Chart.Both, C("apps", "deployments", "list"), "informer"),
        new("AppsV1.ListDeploymentForAllNamespacesWithHttpMessages", Chart.Both, C("apps", "deployments", "watch"), "informer"),
        new("AppsV1.ListStatefulSetForAllNamespaces", Chart.Workspace, C("apps", "statefulsets", "list"), "informer"),
        new("AppsV1.ListStatefulSetForAllNamespacesWithHttpMessages", Chart.Workspace, C("apps", "statefulsets", "watch"), "informer"),
        new("BatchV1.ListJobForAllNamespaces", Chart.Workspace, C("batch", "jobs", "list"), "informer"),
        new("BatchV1.ListJobForAllNamespacesWithHttpMessages", Chart.Workspace, C("batch", "jobs", "watch"), "informer"),
        new("AppsV1.PatchNamespacedDeployment", Chart.Both, C("apps", "deployments", "patch", "create"), "server-side apply"),
        new("AppsV1.PatchNamespacedStatefulSet", Chart.Workspace, C("apps", "statefulsets", "patch", "create"), "server-side apply"),
        new("CoreV1.PatchNamespacedService", Chart.Both, C("", "services", "patch", "create"), "server-side apply"),
        new("CoreV1.PatchNamespacedConfigMap", Chart.Both, C("", "configmaps", "patch", "create"), "server-side apply"),
        new("CoreV1.ReadNamespacedConfigMap", Chart.Both, C("", "configmaps", "get"), "webhook ConfigMap checks; training ConfigMap"),
        new("CoreV1.DeleteNamespacedConfigMap", Chart.RAGEngine, C("", "configmaps", "delete"), "default guardrails no longer wanted"),
        new("BatchV1.CreateNamespacedJob", Chart.Workspace, C("batch", "jobs", "create"), "tuning Job"),
        new("NetworkingV1.PatchNamespacedNetworkPolicy", Chart.Workspace, C("networking.k8s.io", "networkpolicies", "patch", "create"), "a downloading tuning pod's egress policy (server-side apply)"),
        new("CoreV1.CreateNamespacedEvent", Chart.Both, C("", "events", "create"), "events"),
        new("CoordinationV1.ReadNamespacedLease", Chart.Both, Named(true, "coordination.k8s.io", "leases", "get"), "leader election"),
        new("CoordinationV1.CreateNamespacedLease", Chart.Both, Named(true, "coordination.k8s.io", "leases", "create"), "leader election"),
        new("CoordinationV1.ReplaceNamespacedLease", Chart.Both, Named(true, "coordination.k8s.io", "leases", "update"), "leader election"),
        new("CoreV1.ReadNamespacedSecret", Chart.Both, Named(true, "", "secrets", "get"), "self-managed certificate"),
        new("CoreV1.ReadNamespacedSecret", Chart.Workspace, C("", "secrets", "get"), "the token of a gated Hugging Face model (presetOptions.modelAccessSecret): webhook fit check, reconciler"),
        new("CoreV1.CreateNamespacedSecret", Chart.Both, Named(true, "", "secrets", "create"), "self-managed certificate"),
        new("CoreV1.ReplaceNamespacedSecret", Chart.Both, Named(true, "", "secrets", "update"), "self-managed certificate"),
        new("AdmissionregistrationV1.ReadMutatingWebhookConfiguration", Chart.Both, Named(false, AdmissionApi, "mutatingwebhookconfigurations", "get"), "caBundle"),
        new("AdmissionregistrationV1.PatchMutatingWebhookConfiguration", Chart.Both, Named(false, AdmissionApi, "mutatingwebhookconfigurations", "patch"), "caBundle"),
        new("AdmissionregistrationV1.ReadValidatingWebhookConfiguration", Chart.Both, Named(false, AdmissionApi, "validatingwebhookconfigurations", "get"), "caBundle"),
        new("AdmissionregistrationV1.PatchValidatingWebhookConfiguration", Chart.Both, Named(false, AdmissionApi, "validatingwebhookconfigurations", "patch"), "caBundle"),
    ];

    [GeneratedRegex(@"\.(?<api>[A-Z][A-Za-z]*V\d+(?:alpha\d+|beta\d+)?|CustomObjects)\.(?<method>[A-Za-z]+?)(?<http>WithHttpMessages)?Async(?:<(?<type>\w+)>)?\(")]
    private static partial Regex ClientCall();

    /// <summary>Every client call (and blockOwnerDeletion) in src/, by key, with the files making it.</summary>
    static Dictionary<string, SortedSet<string>> ScanSources()
    {
        var found = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void Add(string key, string file)
        {
            if (!found.TryGetValue(key, out var files)) found[key] = files = new SortedSet<string>(StringComparer.Ordinal);
            files.Add(file);
        }

        foreach (var path in Directory.EnumerateFiles(RepositoryPaths.Combine("src"), "*.cs", SearchOption.AllDirectories))
        {
            var file = Path.GetRelativePath(RepositoryPaths.Root, path).Replace('\\', '/');
            if (file.Contains("/obj/", StringComparison.Ordinal) || file.Contains("/bin/", StringComparison.Ordinal)) continue;
            var text = File.ReadAllText(path);
            foreach (Match m in ClientCall().Matches(text))
            {
                var type = m.Groups["type"].Success ? $"<{m.Groups["type"].Value}>" : "";
                Add($"{m.Groups["api"].Value}.{m.Groups["method"].Value}{m.Groups["http"].Value}{type}", file);
            }
            if (text.Contains("BlockOwnerDeletion = true", StringComparison.Ordinal)) Add("BlockOwnerDeletion = true", file);
        }
        return found;
    }

    [Fact]
    public void Every_client_call_in_src_is_known()
    {
        var found = ScanSources();
        var known = Calls.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);

        var unknown = found.Where(f => !known.Contains(f.Key)).Select(f => $"{f.Key} in {string.Join(", ", f.Value)}").ToList();
        var stale = known.Where(k => !found.ContainsKey(k)).ToList();

        Assert.True(found.Count >= 30, $"the scan found only {found.Count} kinds of calls; is src/ where it used to be?");
        Assert.True(unknown.Count == 0,
            "Kubernetes client calls the RBAC table does not know (add them to RbacTests.Calls with the charts that need them, then grant them in the charts):\n  "
            + string.Join("\n  ", unknown));
        Assert.True(stale.Count == 0, "RbacTests.Calls lists calls src/ no longer makes (remove them, and their grants):\n  " + string.Join("\n  ", stale));
    }

    [Theory]
    [InlineData("workspace", Chart.Workspace, "workspaces", false)]
    [InlineData("workspace", Chart.Workspace, "workspaces", true)]
    [InlineData("ragengine", Chart.RAGEngine, "ragengines", false)]
    public async Task Chart_grants_exactly_what_its_controller_calls(string chart, Chart which, string own, bool karpenter)
    {
        var granted = await RenderGrantsAsync(chart, karpenter ? ["--set", "operator.nodeProvisioner=karpenter"] : []);
        var needed = Calls.Where(c => c.Charts.HasFlag(which) && (karpenter || !c.KarpenterOnly))
            .SelectMany(c => c.Grants.Select(g => (Grant: g with { Resource = g.Resource.Replace("{own}", own, StringComparison.Ordinal) }, Call: c)))
            .ToList();
        var neededKeys = needed.Select(n => n.Grant with { ByName = false }).ToHashSet();

        var missing = needed.Where(n => !granted.Any(g => g with { ByName = false } == n.Grant with { ByName = false }))
            .Select(n => $"{n.Grant} for {n.Call.Key} ({n.Call.Why})").Distinct().ToList();
        var extra = granted.Where(g => !neededKeys.Contains(g with { ByName = false })).Select(g => g.ToString()).ToList();
        var unnamed = needed.Where(n => n.Grant.ByName && granted.Any(g => g with { ByName = false } == n.Grant with { ByName = false } && !g.ByName))
            .Select(n => n.Grant.ToString()).Distinct().ToList();

        var problems = new List<string>();
        if (missing.Count > 0) problems.Add($"the {chart} chart does not grant:\n  " + string.Join("\n  ", missing));
        if (extra.Count > 0) problems.Add($"the {chart} chart grants what no call in src/ needs:\n  " + string.Join("\n  ", extra));
        if (unnamed.Count > 0) problems.Add($"the {chart} chart grants these for every object instead of by name:\n  " + string.Join("\n  ", unnamed));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("workspace")]
    [InlineData("ragengine")]
    public async Task Cert_manager_and_no_leader_election_drop_the_grants_they_make_unnecessary(string chart)
    {
        var granted = await RenderGrantsAsync(chart, "--set", "certificates.mode=cert-manager", "--set", "operator.leaderElection=false");

        // Only the certificate's Secret grants go: the workspace chart reads gated models' token Secrets in any namespace.
        Assert.DoesNotContain(granted, g => (g.Resource is "secrets" && (g.Namespaced || g.Verb != "get")) || g.Resource is "leases" || g.Group == AdmissionApi);
        Assert.Equal(chart == "workspace", granted.Contains(new Grant(false, "", "secrets", "get")));
        Assert.Contains(granted, g => g.Resource == "nodeclaims" && g.Verb == "create");
    }

    /// <summary>The (scope, group, resource, verb) grants of a chart's ClusterRole and Role under the given values.</summary>
    static async Task<List<Grant>> RenderGrantsAsync(string chart, params string[] values)
    {
        var rendered = await Helm.RunAsync(["template", "rbac", Helm.Chart(chart), "--namespace", "kaito-system",
            "--show-only", "templates/clusterrole.yaml", "--show-only", "templates/role.yaml", .. values]);
        if (!rendered.Succeeded && rendered.StdErr.Contains("could not find template templates/role.yaml", StringComparison.Ordinal))
            rendered = await Helm.RunAsync(["template", "rbac", Helm.Chart(chart), "--namespace", "kaito-system", "--show-only", "templates/clusterrole.yaml", .. values]);
        Assert.True(rendered.Succeeded, rendered.ToString());

        var grants = new List<Grant>();
        foreach (var item in KubernetesYaml.LoadAllFromString(rendered.StdOut))
        {
            var (namespaced, rules) = item switch
            {
                V1ClusterRole role => (false, role.Rules),
                V1Role role => (true, role.Rules),
                _ => (false, null),
            };
            foreach (var rule in rules ?? [])
                foreach (var group in rule.ApiGroups ?? [""])
                    foreach (var resource in rule.Resources ?? [])
                        foreach (var verb in rule.Verbs)
                            grants.Add(new Grant(namespaced, group, resource, verb, rule.ResourceNames is { Count: > 0 }));
        }
        return grants;
    }
}
