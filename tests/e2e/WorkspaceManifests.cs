namespace Kaito.E2E.Tests;

/// <summary>Workspace manifests the scenarios apply with kubectl.</summary>
public static class WorkspaceManifests
{
    /// <summary>An inference Workspace of a preset on a SKU, its nodes selected by the label apps=&lt;name&gt;.</summary>
    public static string Inference(string name, string sku = "Standard_NC6s_v3", string preset = "phi-3-mini-4k-instruct") => $$$"""
        apiVersion: kaito.sh/v1beta1
        kind: Workspace
        metadata: {name: {{{name}}}}
        resource:
          instanceType: {{{sku}}}
          labelSelector: {matchLabels: {apps: {{{name}}}}}
        inference:
          preset: {name: {{{preset}}}}
        """;
}
