using System.Text;

namespace Kaito.WebhookBench;

static class Payloads
{
    /// <summary>
    /// examples/inference/kaito_workspace_phi_3.5-instruct.yaml as JSON, wrapped as the API server sends it
    /// for `kubectl apply` (CREATE, with userInfo and options).
    /// </summary>
    public static byte[] WorkspaceCreateReview() => Encoding.UTF8.GetBytes("""
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{
          "uid":"0df28fbd-5f5f-11e8-a4b5-0a58ac1f0b06",
          "kind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},
          "resource":{"group":"kaito.sh","version":"v1beta1","resource":"workspaces"},
          "requestKind":{"group":"kaito.sh","version":"v1beta1","kind":"Workspace"},
          "requestResource":{"group":"kaito.sh","version":"v1beta1","resource":"workspaces"},
          "name":"workspace-phi-3-5-mini","namespace":"default","operation":"CREATE",
          "userInfo":{"username":"kubernetes-admin","groups":["system:masters","system:authenticated"]},
          "object":{"apiVersion":"kaito.sh/v1beta1","kind":"Workspace",
            "metadata":{"name":"workspace-phi-3-5-mini","namespace":"default","creationTimestamp":null,
              "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"kaito.sh/v1beta1\",\"inference\":{\"preset\":{\"name\":\"phi-3.5-mini-instruct\"}},\"kind\":\"Workspace\",\"metadata\":{\"annotations\":{},\"name\":\"workspace-phi-3-5-mini\",\"namespace\":\"default\"},\"resource\":{\"instanceType\":\"Standard_NC24ads_A100_v4\",\"labelSelector\":{\"matchLabels\":{\"apps\":\"phi-3-5\"}}}}\n"}},
            "resource":{"instanceType":"Standard_NC24ads_A100_v4","labelSelector":{"matchLabels":{"apps":"phi-3-5"}}},
            "inference":{"preset":{"name":"phi-3.5-mini-instruct"}}},
          "oldObject":null,"dryRun":false,
          "options":{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-client-side-apply","fieldValidation":"Strict"}}}
        """);
}
