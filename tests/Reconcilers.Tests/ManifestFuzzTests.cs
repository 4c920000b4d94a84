using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Manifests;
using Kaito.Reconcilers.RAGEngines;
using Kaito.Reconcilers.Shared;
using Kaito.Reconcilers.Workspaces;
using Kaito.Webhooks.Validation;
using Xunit.Abstractions;

namespace Kaito.Reconcilers.Tests;

/// <summary>
/// The manifest builders fed random Workspaces and RAGEngines that admission accepts (a seeded generator; replay a run
/// with KAITO_BUILDER_FUZZ_SEED, size it with KAITO_BUILDER_FUZZ_COUNT): no exception escapes, and what they build is
/// something the API server would take: names that are DNS names, label values within the rules, images that are image
/// references.
/// </summary>
public sealed class ManifestFuzzTests(ITestOutputHelper output)
{
    static readonly int Seed = Env("KAITO_BUILDER_FUZZ_SEED", 20_261_202);
    static readonly int Count = Env("KAITO_BUILDER_FUZZ_COUNT", 1500);

    static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    static readonly string[] Presets = [.. ModelCatalog.Default.Models.Select(m => m.Name)];
    static readonly string[] Skus = [.. SkuCatalog.Default.For("azure").Select(s => s.Name)];
    static readonly string[] Words = ["a", "phi", "x1", "gpu-pool", "team-7", "llm", "z", new string('q', 40)];

    sealed class Generator(int seed)
    {
        readonly Random random = new(seed);

        public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        public bool Chance(int percent) => random.Next(100) < percent;

        public string Name(int max = 50)
        {
            var parts = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(Words));
            var name = string.Join("-", parts);
            return name.Length <= max ? name : name[..max].TrimEnd('-');
        }

        public string Image() => $"{Pick(["myregistry.azurecr.io", "registry.example.com:5000", "ghcr.io/org"])}/{Name(30)}:{Pick(["0.0.1", "latest", "v2-rc.1"])}"
            + (Chance(10) ? "@sha256:" + new string('a', 64) : "");

        public JsonObject Metadata()
        {
            var metadata = new JsonObject { ["name"] = Name(), ["namespace"] = Name(40), ["uid"] = Guid.NewGuid().ToString() };
            var annotations = new JsonObject();
            if (Chance(30)) annotations["kaito.sh/runtime"] = Pick(["vllm", "transformers"]);
            if (Chance(20)) annotations["kaito.sh/enablelb"] = "True";
            if (Chance(15)) annotations["kaito.sh/performance-mode"] = Pick(["balanced", "interactivity", "throughput"]);
            if (Chance(10)) annotations["kaito.sh/bypass-resource-checks"] = "true";
            if (Chance(10)) annotations["kaito.sh/model-image"] = Image();
            if (Chance(10)) annotations["kaito.sh/node-image-family"] = Pick(["ubuntu", "azurelinux"]);
            metadata["annotations"] = annotations;
            return metadata;
        }

        public JsonObject Resource() => new()
        {
            ["instanceType"] = Pick(Skus),
            ["count"] = random.Next(1, 4),
            ["labelSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["apps"] = Name(60) } },
        };

        public Workspace Workspace()
        {
            var preset = Pick(Presets);
            var ws = new JsonObject
            {
                ["apiVersion"] = "kaito.sh/v1beta1",
                ["kind"] = "Workspace",
                ["metadata"] = Metadata(),
                ["resource"] = Resource(),
            };
            if (Chance(30))
            {
                var input = Pick<Func<JsonObject>>([
                    () => new JsonObject { ["urls"] = new JsonArray([.. Enumerable.Range(0, random.Next(1, 4)).Select(i => JsonValue.Create($"https://data.example.com/{Name(20)}/{i}.parquet?x=1&y='2'"))]) },
                    () => new JsonObject { ["image"] = Image(), ["imagePullSecrets"] = new JsonArray(Name(20)) },
                    () => new JsonObject { ["volumeSource"] = new JsonObject { ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = Name(30) } } },
                ])();
                var destination = Chance(50)
                    ? new JsonObject { ["image"] = Image(), ["imagePushSecret"] = Name(20) }
                    : new JsonObject { ["volumeSource"] = new JsonObject { ["emptyDir"] = new JsonObject() } };
                ws["tuning"] = new JsonObject
                {
                    ["preset"] = new JsonObject { ["name"] = preset },
                    ["method"] = Pick(["lora", "qlora"]),
                    ["input"] = input,
                    ["output"] = destination,
                };
            }
            else
            {
                var inference = new JsonObject { ["preset"] = new JsonObject { ["name"] = preset } };
                if (Chance(20)) inference["preset"]!["presetOptions"] = new JsonObject { ["imagePullSecrets"] = new JsonArray(Name(20), Name(20)) };
                if (Chance(35))
                {
                    inference["adapters"] = new JsonArray([.. Enumerable.Range(0, random.Next(1, 4)).Select(i => (JsonNode)new JsonObject
                    {
                        ["source"] = new JsonObject { ["name"] = $"{Name(20)}-{i}", ["image"] = Image() },
                        ["strength"] = Pick(["1.0", "0.5", "0.25"]),
                    })]);
                }
                ws["inference"] = inference;
            }
            return KubernetesJson.Deserialize<Workspace>(ws.ToJsonString());
        }

        public RAGEngine RAGEngine()
        {
            var spec = new JsonObject
            {
                ["compute"] = Resource(),
                ["embedding"] = Chance(50)
                    ? new JsonObject { ["local"] = new JsonObject { ["modelID"] = Pick(["BAAI/bge-small-en-v1.5", "sentence-transformers/all-MiniLM-L6-v2"]) } }
                    : new JsonObject { ["remote"] = new JsonObject { ["url"] = $"https://embed.example.com/{Name(20)}", ["accessSecret"] = Name(20) } },
                ["inferenceService"] = new JsonObject
                {
                    ["url"] = $"http://{Name(30)}.{Name(20)}.svc.cluster.local/v1/chat/completions",
                    ["contextWindowSize"] = Pick([2048, 4096, 131072]),
                },
            };
            spec["compute"]!.AsObject().Remove("count");
            if (Chance(40)) spec["storage"] = new JsonObject { ["persistentVolume"] = new JsonObject { ["persistentVolumeClaim"] = Name(30), ["mountPath"] = "/mnt/" + Name(10) } };
            var rag = new JsonObject { ["apiVersion"] = "kaito.sh/v1beta1", ["kind"] = "RAGEngine", ["metadata"] = Metadata(), ["spec"] = spec };
            return KubernetesJson.Deserialize<RAGEngine>(rag.ToJsonString());
        }
    }

    static readonly AdmissionSettings Admission = new();

    [Fact]
    public async Task Random_accepted_workspaces_build_manifests_the_api_server_would_take()
    {
        output.WriteLine($"seed {Seed}, {Count} Workspaces (replay with KAITO_BUILDER_FUZZ_SEED={Seed} KAITO_BUILDER_FUZZ_COUNT={Count})");
        var generator = new Generator(Seed);
        var validator = new WorkspaceValidator(Admission, null);
        var accepted = 0;
        var built = 0;
        for (var i = 0; i < Count; i++)
        {
            var workspace = generator.Workspace();
            if (!(await validator.ValidateCreateAsync(workspace, CancellationToken.None)).Allowed) continue;
            accepted++;
            var settings = new ReconcilerSettings(Provisioning: generator.Chance(25) ? NodeProvisioning.Karpenter : NodeProvisioning.GpuProvisioner,
                PresetRegistry: generator.Pick([ModelImages.DefaultRegistry, "mirror.example.com:5000/kaito"]));
            var what = $"case {i} ({KubernetesJson.Serialize(workspace)})";
            if (Fixtures.Documents(workspace, settings) is not { } documents) continue;
            built++;
            foreach (var document in documents) Acceptable(document, what);
        }
        output.WriteLine($"{accepted} accepted by admission, {built} planned and built");
        // The generator must mostly make objects admission takes, or this would test nothing.
        Assert.True(accepted >= Count / 3, $"only {accepted} of {Count} generated Workspaces were accepted");
        Assert.True(built >= accepted / 2, $"only {built} of {accepted} accepted Workspaces had a plan");
    }

    [Fact]
    public async Task Random_accepted_ragengines_build_manifests_the_api_server_would_take()
    {
        output.WriteLine($"seed {Seed}, {Count} RAGEngines");
        var generator = new Generator(Seed + 1);
        var validator = new RAGEngineValidator(Admission, null);
        var accepted = 0;
        for (var i = 0; i < Count; i++)
        {
            var rag = generator.RAGEngine();
            if (!(await validator.ValidateCreateAsync(rag, CancellationToken.None)).Allowed) continue;
            accepted++;
            var settings = new ReconcilerSettings();
            var what = $"case {i} ({KubernetesJson.Serialize(rag)})";
            foreach (var document in Fixtures.Documents(rag, settings)) Acceptable(document, what);
        }
        output.WriteLine($"{accepted} accepted by admission and built");
        Assert.True(accepted >= Count / 3, $"only {accepted} of {Count} generated RAGEngines were accepted");
    }

    /// <summary>What the API server checks first: names, labels, images; and that it serializes.</summary>
    static void Acceptable(IKubernetesObject<V1ObjectMeta> document, string what)
    {
        var kind = document.GetType().Name;
        Assert.False(string.IsNullOrEmpty(KubernetesYaml.Serialize(document)), what);
        var name = document.Metadata.Name;
        var nameOk = kind is "V1Service" ? KubernetesNames.IsDns1123Label(name) : KubernetesNames.IsDns1123Subdomain(name);
        Assert.True(nameOk, $"{kind} name \"{name}\" is not a valid name; {what}");
        foreach (var (key, value) in document.Metadata.Labels ?? new Dictionary<string, string>())
        {
            Assert.True(KubernetesNames.LabelKeyProblem(key) is null, $"{kind} {name}: label key \"{key}\"; {what}");
            Assert.True(KubernetesNames.LabelValueProblem(value) is null, $"{kind} {name}: label {key}=\"{value}\" {KubernetesNames.LabelValueProblem(value)}; {what}");
        }
        var pod = document switch
        {
            V1Deployment d => d.Spec.Template.Spec,
            V1StatefulSet s => s.Spec.Template.Spec,
            V1Job j => j.Spec.Template.Spec,
            _ => null,
        };
        if (pod is null) return;
        foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
        {
            Assert.True(KubernetesNames.IsDns1123Label(container.Name), $"{kind} {name}: container name \"{container.Name}\"; {what}");
            Assert.True(ImageReference.Problem(container.Image) is null, $"{kind} {name}: container {container.Name} image \"{container.Image}\": {ImageReference.Problem(container.Image)}; {what}");
        }
        foreach (var volume in pod.Volumes ?? [])
            Assert.True(KubernetesNames.IsDns1123Label(volume.Name), $"{kind} {name}: volume name \"{volume.Name}\"; {what}");
    }
}
