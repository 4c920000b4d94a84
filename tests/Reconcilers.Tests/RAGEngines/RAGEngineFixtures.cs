using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Tests.RAGEngines;

static class RAGEngineFixtures
{
    public static RAGEngine Local(string instanceType = "Standard_NC4as_T4_v3") => new()
    {
        Metadata = new V1ObjectMeta { Name = "rag1", NamespaceProperty = "ns1", Uid = "u1", Generation = 1 },
        Spec = new RAGEngineSpec
        {
            Compute = new ResourceSpec
            {
                InstanceType = instanceType,
                LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["apps"] = "rag" } },
            },
            Embedding = new EmbeddingSpec { Local = new LocalEmbeddingSpec { ModelId = "BAAI/bge-small-en-v1.5" } },
            InferenceService = new InferenceServiceSpec { Url = "http://ws1.ns1.svc.cluster.local/v1/chat/completions", ContextWindowSize = 4096 },
        },
    };

    public static RAGEngine Remote()
    {
        var rag = Local("Standard_D8s_v3");
        rag.Spec!.Embedding = new EmbeddingSpec { Remote = new RemoteEmbeddingSpec { Url = "https://embed.example.com/v1/embeddings", AccessSecret = "embed-secret" } };
        return rag;
    }

    public static V1Node Node(string name, int gpus, bool ready = true, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string> { ["apps"] = "rag" } },
        Status = new V1NodeStatus
        {
            Conditions = [new V1NodeCondition { Type = "Ready", Status = ready ? "True" : "False" }],
            Allocatable = gpus > 0 ? new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new(gpus.ToString(System.Globalization.CultureInfo.InvariantCulture)) } : [],
        },
    };
}
