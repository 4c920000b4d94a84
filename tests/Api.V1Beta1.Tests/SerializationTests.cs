using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1.Serialization;

namespace Kaito.Api.V1Beta1.Tests;

public sealed class SerializationTests
{
    [Fact]
    public void Unset_optional_fields_are_not_sent()
    {
        var workspace = new Workspace
        {
            Metadata = new V1ObjectMeta { Name = "w" },
            Resource = new ResourceSpec { InstanceType = "Standard_NC6s_v3" },
            Inference = new InferenceSpec { Preset = new PresetSpec { Name = "phi-3-mini-4k-instruct" } },
        };

        var json = JsonNode.Parse(KubernetesJson.Serialize(workspace))!.AsObject();

        Assert.Equal(["apiVersion", "kind", "metadata", "resource", "inference"], json.Select(p => p.Key));
        Assert.Equal(["instanceType"], json["resource"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["name"], json["inference"]!["preset"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Yaml_with_the_seed_field_names_deserializes_including_volumeSource()
    {
        const string yaml = """
            apiVersion: kaito.sh/v1alpha1
            kind: Workspace
            metadata: {name: tune}
            resource: {instanceType: Standard_NC6s_v3, labelSelector: {matchLabels: {app: t}}}
            tuning:
              preset: {name: phi-3-mini-128k-instruct}
              method: qlora
              input:
                volumeSource: {persistentVolumeClaim: {claimName: data}}
              output: {image: "registry.example.com/out:1", imagePushSecret: push}
            """;

        var workspace = YamlDocuments.Deserialize<Workspace>(yaml);

        Assert.Equal("t", workspace.Resource!.LabelSelector!.MatchLabels["app"]);
        Assert.Equal("data", workspace.Tuning!.Input!.VolumeSource!["persistentVolumeClaim"]!["claimName"]!.GetValue<string>());
        Assert.Equal("push", workspace.Tuning.Output!.ImagePushSecret);
    }
}

public sealed class YamlDocumentsTests
{
    [Fact]
    public void Scalars_follow_yaml_core_rules_and_quoted_values_stay_strings()
    {
        var json = YamlDocuments.ToJson("""
            a: 1
            b: "1"
            c: 1.0
            d: '1.0'
            e: true
            f: ~
            g: text
            h: [x, 2]
            """).Single();

        Assert.Equal("""{"a":1,"b":"1","c":1,"d":"1.0","e":true,"f":null,"g":"text","h":["x",2]}""", json.ToJsonString());
    }

    [Fact]
    public void Multi_document_streams_yield_each_document()
    {
        var documents = YamlDocuments.ToJson("a: 1\n---\nb: 2\n---\n");

        Assert.Equal(["""{"a":1}""", """{"b":2}"""], documents.Select(d => d.ToJsonString()));
    }
}
