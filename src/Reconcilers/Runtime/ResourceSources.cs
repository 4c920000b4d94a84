using k8s;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Runtime;

/// <summary>List and watch calls per kind, cluster-wide, optionally narrowed by a label selector.</summary>
public static class ResourceSources
{
    public static ResourceSource<WorkspaceList> Workspaces(IKubernetes client) => new("workspaces",
        ct => client.CustomObjects.ListClusterCustomObjectAsync<WorkspaceList>(KaitoGroup.Name, "v1beta1", Workspace.Plural, cancellationToken: ct),
        (rv, timeout, ct) => client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<WorkspaceList>(KaitoGroup.Name, "v1beta1", Workspace.Plural,
            allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<NodeClaimList> NodeClaims(IKubernetes client, string? selector) => new("nodeclaims",
        ct => client.CustomObjects.ListClusterCustomObjectAsync<NodeClaimList>(NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural, labelSelector: selector, cancellationToken: ct),
        (rv, timeout, ct) => client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<NodeClaimList>(NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural,
            allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1NodeList> Nodes(IKubernetes client) => new("nodes",
        ct => client.CoreV1.ListNodeAsync(cancellationToken: ct),
        (rv, timeout, ct) => client.CoreV1.ListNodeWithHttpMessagesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1PodList> Pods(IKubernetes client, string? selector) => new("pods",
        ct => client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct),
        (rv, timeout, ct) => client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1DeploymentList> Deployments(IKubernetes client, string? selector) => new("deployments",
        ct => client.AppsV1.ListDeploymentForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct),
        (rv, timeout, ct) => client.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1StatefulSetList> StatefulSets(IKubernetes client, string? selector) => new("statefulsets",
        ct => client.AppsV1.ListStatefulSetForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct),
        (rv, timeout, ct) => client.AppsV1.ListStatefulSetForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1ServiceList> Services(IKubernetes client, string? selector) => new("services",
        ct => client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct),
        (rv, timeout, ct) => client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1JobList> Jobs(IKubernetes client, string? selector) => new("jobs",
        ct => client.BatchV1.ListJobForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct),
        (rv, timeout, ct) => client.BatchV1.ListJobForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<RAGEngineList> RAGEngines(IKubernetes client) => new("ragengines",
        ct => client.CustomObjects.ListClusterCustomObjectAsync<RAGEngineList>(KaitoGroup.Name, "v1beta1", RAGEngine.Plural, cancellationToken: ct),
        (rv, timeout, ct) => client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<RAGEngineList>(KaitoGroup.Name, "v1beta1", RAGEngine.Plural,
            allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1ConfigMapList> ConfigMaps(IKubernetes client, string? selector) => new("configmaps",
        ct => client.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct),
        (rv, timeout, ct) => client.CoreV1.ListConfigMapForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));
}
