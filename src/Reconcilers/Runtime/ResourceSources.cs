using k8s;
using k8s.Autorest;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Runtime;

/// <summary>List (paged) and watch calls per kind, cluster-wide, optionally narrowed by a label selector.</summary>
public static class ResourceSources
{
    public static ResourceSource<Workspace> Workspaces(IKubernetes client, string? selector = null) => Source<Workspace, WorkspaceList>("workspaces",
        (next, limit, ct) => client.CustomObjects.ListClusterCustomObjectAsync<WorkspaceList>(KaitoGroup.Name, "v1beta1", Workspace.Plural,
            continueParameter: next, labelSelector: selector, limit: limit, cancellationToken: ct),
        (rv, timeout, ct) => client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<WorkspaceList>(KaitoGroup.Name, "v1beta1", Workspace.Plural,
            allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<InferenceSet> InferenceSets(IKubernetes client) => Source<InferenceSet, InferenceSetList>("inferencesets",
        (next, limit, ct) => client.CustomObjects.ListClusterCustomObjectAsync<InferenceSetList>(KaitoGroup.Name, "v1beta1", InferenceSet.Plural,
            continueParameter: next, limit: limit, cancellationToken: ct),
        (rv, timeout, ct) => client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<InferenceSetList>(KaitoGroup.Name, "v1beta1", InferenceSet.Plural,
            allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<NodeClaim> NodeClaims(IKubernetes client, string? selector) => Source<NodeClaim, NodeClaimList>("nodeclaims",
        (next, limit, ct) => client.CustomObjects.ListClusterCustomObjectAsync<NodeClaimList>(NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural,
            continueParameter: next, labelSelector: selector, limit: limit, cancellationToken: ct),
        (rv, timeout, ct) => client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<NodeClaimList>(NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural,
            allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1Node> Nodes(IKubernetes client) => Source<V1Node, V1NodeList>("nodes",
        (next, limit, ct) => client.CoreV1.ListNodeAsync(continueParameter: next, limit: limit, cancellationToken: ct),
        (rv, timeout, ct) => client.CoreV1.ListNodeWithHttpMessagesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1Pod> Pods(IKubernetes client, string? selector) => Source<V1Pod, V1PodList>("pods",
        (next, limit, ct) => client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: next, labelSelector: selector, limit: limit, cancellationToken: ct),
        (rv, timeout, ct) => client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1Deployment> Deployments(IKubernetes client, string? selector) => Source<V1Deployment, V1DeploymentList>("deployments",
        (next, limit, ct) => client.AppsV1.ListDeploymentForAllNamespacesAsync(continueParameter: next, labelSelector: selector, limit: limit, cancellationToken: ct),
        (rv, timeout, ct) => client.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1StatefulSet> StatefulSets(IKubernetes client, string? selector) => Source<V1StatefulSet, V1StatefulSetList>("statefulsets",
        (next, limit, ct) => client.AppsV1.ListStatefulSetForAllNamespacesAsync(continueParameter: next, labelSelector: selector, limit: limit, cancellationToken: ct),
        (rv, timeout, ct) => client.AppsV1.ListStatefulSetForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1Service> Services(IKubernetes client, string? selector) => Source<V1Service, V1ServiceList>("services",
        (next, limit, ct) => client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: next, labelSelector: selector, limit: limit, cancellationToken: ct),
        (rv, timeout, ct) => client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1Job> Jobs(IKubernetes client, string? selector) => Source<V1Job, V1JobList>("jobs",
        (next, limit, ct) => client.BatchV1.ListJobForAllNamespacesAsync(continueParameter: next, labelSelector: selector, limit: limit, cancellationToken: ct),
        (rv, timeout, ct) => client.BatchV1.ListJobForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<RAGEngine> RAGEngines(IKubernetes client) => Source<RAGEngine, RAGEngineList>("ragengines",
        (next, limit, ct) => client.CustomObjects.ListClusterCustomObjectAsync<RAGEngineList>(KaitoGroup.Name, "v1beta1", RAGEngine.Plural,
            continueParameter: next, limit: limit, cancellationToken: ct),
        (rv, timeout, ct) => client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<RAGEngineList>(KaitoGroup.Name, "v1beta1", RAGEngine.Plural,
            allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    public static ResourceSource<V1ConfigMap> ConfigMaps(IKubernetes client, string? selector) => Source<V1ConfigMap, V1ConfigMapList>("configmaps",
        (next, limit, ct) => client.CoreV1.ListConfigMapForAllNamespacesAsync(continueParameter: next, labelSelector: selector, limit: limit, cancellationToken: ct),
        (rv, timeout, ct) => client.CoreV1.ListConfigMapForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, watch: true, cancellationToken: ct));

    static ResourceSource<T> Source<T, TList>(string name,
        Func<string?, int, CancellationToken, Task<TList>> list,
        Func<string, int, CancellationToken, Task<HttpOperationResponse<TList>>> watch)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IKubernetesObject<V1ListMeta>, IItems<T> => new(name,
            async (next, limit, ct) =>
            {
                var page = await list(next, limit, ct);
                return new ListPage<T>(page.Items ?? [], page.Metadata?.ResourceVersion ?? "", page.Metadata?.ContinueProperty);
            },
            (rv, timeout, ct) => WatchStream.Read<T, TList>(watch(rv, timeout, ct), ct));
}
