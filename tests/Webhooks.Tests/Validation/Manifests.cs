using Kaito.Api.V1Beta1;
using Kaito.Api.V1Beta1.Serialization;
using Kaito.Webhooks.Validation;
using Kaito.Presets;

namespace Kaito.Webhooks.Tests.Validation;

/// <summary>Small valid manifests that tests break one field at a time, and helpers to run the validators.</summary>
public static class Manifests
{
    public static readonly AdmissionSettings Nap = new();
    public static readonly AdmissionSettings Byo = new(NodeProvisioning.BringYourOwn);

    public static Workspace Workspace(string yaml) => YamlDocuments.Deserialize<Workspace>(yaml);

    public static RAGEngine RAGEngine(string yaml) => YamlDocuments.Deserialize<RAGEngine>(yaml);

    /// <summary>phi-3-mini-4k on one A100, gpu-provisioner.</summary>
    public static Workspace Inference() => Workspace("""
        apiVersion: kaito.sh/v1beta1
        kind: Workspace
        metadata:
          name: ws
          namespace: default
        resource:
          instanceType: Standard_NC24ads_A100_v4
          labelSelector:
            matchLabels:
              apps: phi-3
        inference:
          preset:
            name: phi-3-mini-4k-instruct
        """);

    /// <summary>phi-3-mini-4k on bring-your-own nodes labelled apps: phi-3.</summary>
    public static Workspace ByoInference() => Workspace("""
        apiVersion: kaito.sh/v1beta1
        kind: Workspace
        metadata:
          name: ws
          namespace: default
        resource:
          labelSelector:
            matchLabels:
              apps: phi-3
        inference:
          preset:
            name: phi-3-mini-4k-instruct
        """);

    /// <summary>qlora tuning of phi-3-mini-128k from a URL to an image.</summary>
    public static Workspace Tuning() => Workspace("""
        apiVersion: kaito.sh/v1beta1
        kind: Workspace
        metadata:
          name: tune
          namespace: default
        resource:
          instanceType: Standard_NC24ads_A100_v4
          labelSelector:
            matchLabels:
              app: tuning
        tuning:
          preset:
            name: phi-3-mini-128k-instruct
          method: qlora
          input:
            urls:
              - "https://huggingface.co/datasets/x/y/resolve/main/train.parquet?download=true"
          output:
            image: myregistry.azurecr.io/adapter:0.0.1
            imagePushSecret: push-secret
        """);

    public static RAGEngine Rag() => RAGEngine("""
        apiVersion: kaito.sh/v1beta1
        kind: RAGEngine
        metadata:
          name: rag
          namespace: default
        spec:
          compute:
            instanceType: Standard_NC4as_T4_v3
            labelSelector:
              matchLabels:
                apps: rag
          embedding:
            local:
              modelID: BAAI/bge-small-en-v1.5
          inferenceService:
            url: http://workspace-phi.default.svc.cluster.local/v1/chat/completions
            contextWindowSize: 4096
        """);

    public static ValidationResult Create(Workspace workspace, AdmissionSettings? settings = null, IClusterLookup? cluster = null) =>
        new WorkspaceValidator(settings ?? Nap, cluster).ValidateCreateAsync(workspace, CancellationToken.None).GetAwaiter().GetResult();

    public static ValidationResult Update(Workspace workspace, Workspace old, AdmissionSettings? settings = null, IClusterLookup? cluster = null) =>
        new WorkspaceValidator(settings ?? Nap, cluster).ValidateUpdateAsync(workspace, old, CancellationToken.None).GetAwaiter().GetResult();

    public static ValidationResult Create(RAGEngine rag, AdmissionSettings? settings = null, IClusterLookup? cluster = null) =>
        new RAGEngineValidator(settings ?? Nap, cluster).ValidateCreateAsync(rag, CancellationToken.None).GetAwaiter().GetResult();

    public static ValidationResult Update(RAGEngine rag, RAGEngine old, AdmissionSettings? settings = null, IClusterLookup? cluster = null) =>
        new RAGEngineValidator(settings ?? Nap, cluster).ValidateUpdateAsync(rag, old, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Asserts the result holds exactly one error, at <paramref name="path"/> of <paramref name="type"/>, and returns it.</summary>
    public static FieldError Single(ValidationResult result, string path, FieldErrorType type)
    {
        var error = Assert.Single(result.Errors);
        Assert.Equal((path, type), (error.Path, error.Type));
        return error;
    }

    /// <summary>Asserts an error at <paramref name="path"/> of <paramref name="type"/> is among the errors, and returns it.</summary>
    public static FieldError Has(ValidationResult result, string path, FieldErrorType type)
    {
        var matches = result.Errors.Where(e => e.Path == path && e.Type == type).ToList();
        Assert.True(matches.Count > 0, $"no {type} error at {path}; got: {string.Join(" | ", result.Errors)}");
        return matches[0];
    }

    public static void Valid(ValidationResult result) =>
        Assert.True(result.Allowed, "expected no errors, got: " + string.Join(" | ", result.Errors));
}
