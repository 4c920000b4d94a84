using System.Text.Json.Nodes;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Manifests;

namespace Kaito.Reconcilers.Tests;

public class TuningManifestsTests
{
    static Workspace Tuning(string method = "qlora", DataSource? input = null, DataDestination? output = null) => Fixtures.Prepare(new Workspace
    {
        Metadata = new V1ObjectMeta { Name = "tune" },
        Resource = new ResourceSpec { InstanceType = "Standard_NC24ads_A100_v4", LabelSelector = new V1LabelSelector() },
        Tuning = new TuningSpec
        {
            Preset = new PresetSpec { Name = "phi-3-mini-4k-instruct" },
            Method = method,
            Input = input ?? new DataSource { Urls = ["https://example.com/a/train.parquet?download=true", "https://example.com/b/train.parquet", "https://example.com/"] },
            Output = output ?? new DataDestination { Image = "registry.example/out:1", ImagePushSecret = "push" },
        },
    });

    static WorkloadPlan Plan() => Fixtures.Plan(runtime: Runtimes.Transformers);

    [Fact]
    public void Job_is_a_single_run_owned_and_labelled()
    {
        var job = TuningManifests.Build(Tuning(), Plan() with { Revision = 3 }).Job;
        Assert.Equal(("tune", "default"), (job.Metadata.Name, job.Metadata.NamespaceProperty));
        Assert.Equal((0, 1, 1), (job.Spec.BackoffLimit, job.Spec.Completions, job.Spec.Parallelism));
        Assert.Null(job.Spec.TtlSecondsAfterFinished);
        Assert.Equal("3", job.Metadata.Annotations[Annotations.WorkspaceRevision]);
        Assert.True(Assert.Single(job.Metadata.OwnerReferences).Controller);
        var pod = job.Spec.Template;
        Assert.Equal("tune", pod.Metadata.Labels[Labels.Workspace]);
        Assert.Equal("Never", pod.Spec.RestartPolicy);
        Assert.Contains(pod.Spec.Tolerations, t => t.Key == "sku");
        Assert.NotNull(pod.Spec.Affinity);
        var main = pod.Spec.Containers[0];
        Assert.Equal("1", main.Resources.Limits["nvidia.com/gpu"].ToString());
        // KAITO's fine_tuning.py reads only its config file: the launch line passes it nothing.
        Assert.StartsWith("accelerate launch --num_processes=1 /workspace/tfs/fine_tuning.py\n", main.Command[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Url_input_gets_a_downloader_with_every_url_and_query_free_file_names()
    {
        var ws = Tuning();
        var init = Assert.Single(TuningManifests.Build(ws, Plan()).Job.Spec.Template.Spec.InitContainers);
        Assert.Equal("data-downloader", init.Name);
        var files = TuningData.FileNames(ws.Tuning!.Input!.Urls!);
        Assert.Equal(["train.parquet", "1-train.parquet", "data-2"], files);
        Assert.Equal(["/app/kaito-operator", "fetch", "--dir", "/mnt/data", .. ws.Tuning.Input.Urls!.Zip(files).SelectMany(p => new[] { p.First, p.Second })], init.Command);
        Assert.Equal(TuningImages.DefaultDownloader, init.Image);
        Assert.Contains(init.VolumeMounts, m => m.MountPath == "/mnt/data");

        var allowed = TuningManifests.Build(ws, Plan(), TuningImages.Default with { DownloadAllowedNetworks = ["10.20.0.0/16", "fd00::/8"] }).Job.Spec.Template.Spec.InitContainers[0];
        Assert.Equal(["--allow", "10.20.0.0/16", "--allow", "fd00::/8"], allowed.Command.Skip(4).Take(4));
    }

    [Fact]
    public void Url_input_gets_an_egress_policy_that_allows_dns_public_addresses_and_the_allowed_networks_only()
    {
        var ws = Tuning();
        var policy = TuningManifests.Build(ws, Plan(), TuningImages.Default with { DownloadAllowedNetworks = ["10.20.0.0/16"] }).EgressPolicy!;
        Assert.Equal("tune-download-egress", policy.Metadata.Name);
        Assert.Equal(ws.Metadata.Name, Assert.Single(policy.Metadata.OwnerReferences).Name);
        Assert.Equal(["Egress"], policy.Spec.PolicyTypes);
        var (dns, pub, allowed) = (policy.Spec.Egress[0], policy.Spec.Egress[1], policy.Spec.Egress[2]);
        Assert.Equal("kube-dns", Assert.Single(dns.To).PodSelector.MatchLabels["k8s-app"]);
        Assert.Equal(["UDP:53", "TCP:53"], dns.Ports.Select(p => $"{p.Protocol}:{p.Port}"));
        var v4 = pub.To[0].IpBlock;
        Assert.Equal("0.0.0.0/0", v4.Cidr);
        foreach (var inside in new[] { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8", "100.64.0.0/10" })
            Assert.Contains(inside, v4.Except);
        Assert.Equal("::/0", pub.To[1].IpBlock.Cidr);
        Assert.Contains("fc00::/7", pub.To[1].IpBlock.Except);
        Assert.Equal("10.20.0.0/16", Assert.Single(allowed.To).IpBlock.Cidr);

        Assert.Null(TuningManifests.Build(Tuning(input: new DataSource { Image = "registry.example/data:1" }), Plan()).EgressPolicy);
    }

    [Fact]
    public void Image_input_copies_data_and_volume_input_is_mounted()
    {
        var image = TuningManifests.Build(Tuning(input: new DataSource { Image = "registry.example/data:1", ImagePullSecrets = ["pull"] }), Plan()).Job.Spec.Template.Spec;
        var init = Assert.Single(image.InitContainers);
        Assert.Equal("registry.example/data:1", init.Image);
        Assert.Contains("/data/.", init.Command[2], StringComparison.Ordinal);
        Assert.Equal(["pull", "push"], image.ImagePullSecrets.Select(s => s.Name));

        var volume = TuningManifests.Build(Tuning(input: new DataSource
        {
            VolumeSource = new JsonObject { ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = "data" } },
        }), Plan()).Job.Spec.Template.Spec;
        Assert.Null(volume.InitContainers);
        Assert.Equal("data", volume.Volumes.Single(v => v.Name == "data-volume").PersistentVolumeClaim.ClaimName);
    }

    [Fact]
    public void Image_output_adds_a_pusher_with_the_push_secret_and_volume_output_is_mounted()
    {
        var spec = TuningManifests.Build(Tuning(), Plan()).Job.Spec.Template.Spec;
        var pusher = Assert.Single(spec.Containers, c => c.Name == "adapter-pusher");
        Assert.Contains("registry.example/out:1", pusher.Command[2], StringComparison.Ordinal);
        Assert.Equal("push", spec.Volumes.Single(v => v.Name == "docker-config").Secret.SecretName);

        var volume = TuningManifests.Build(Tuning(output: new DataDestination
        {
            VolumeSource = new JsonObject { ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = "out" } },
        }), Plan()).Job.Spec.Template.Spec;
        Assert.Single(volume.Containers);
        Assert.Equal("out", volume.Volumes.Single(v => v.Name == "results-volume").PersistentVolumeClaim.ClaimName);
    }

    [Fact]
    public void Default_qlora_config_map_loads_in_4bit_and_lora_does_not()
    {
        var qlora = TuningManifests.Build(Tuning("qlora"), Plan());
        Assert.NotNull(qlora.TrainingConfig);
        Assert.Equal("tune-training-config", qlora.TrainingConfig.Metadata.Name);
        Assert.Contains("load_in_4bit: true", qlora.TrainingConfig.Data["training_config.yaml"], StringComparison.Ordinal);
        Assert.Equal("tune-training-config", qlora.Job.Spec.Template.Spec.Volumes.Single(v => v.Name == "config-volume").ConfigMap.Name);
        var lora = TuningManifests.Build(Tuning("LoRA"), Plan());
        Assert.Contains("load_in_4bit: false", lora.TrainingConfig!.Data["training_config.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public void User_config_is_mounted_without_a_default_config_map()
    {
        var ws = Tuning();
        ws.Tuning!.Config = "my-training";
        var w = TuningManifests.Build(ws, Plan());
        Assert.Null(w.TrainingConfig);
        Assert.Equal("my-training", w.Job.Spec.Template.Spec.Volumes.Single(v => v.Name == "config-volume").ConfigMap.Name);
    }

    [Fact]
    public void The_default_config_tells_the_trainer_where_the_weights_are()
    {
        var config = TuningManifests.Build(Tuning(), Plan()).TrainingConfig!.Data["training_config.yaml"];
        Assert.Contains("pretrained_model_name_or_path: \"/workspace/weights\"", config, StringComparison.Ordinal);
        Assert.Equal("/mnt/results", Kaito.Presets.TrainingOutput.Read(config).Dir);
    }

    [Theory]
    [InlineData("/mnt/output/phi")]
    [InlineData("/mnt/results")]
    public void Results_are_mounted_where_the_user_config_writes_them(string dir)
    {
        var ws = Tuning();
        ws.Tuning!.Config = "my-training";
        var pod = TuningManifests.Build(ws, Plan(), resultsDir: dir).Job.Spec.Template.Spec;
        var main = pod.Containers[0];
        var pusher = pod.Containers.Single(c => c.Name == TuningData.PusherName);
        Assert.Equal(dir, main.VolumeMounts.Single(m => m.Name == "results-volume").MountPath);
        Assert.Equal(dir, pusher.VolumeMounts.Single(m => m.Name == "results-volume").MountPath);
        Assert.Contains($"touch {dir}/fine_tuning_completed.txt", main.Command[2], StringComparison.Ordinal);
        Assert.Contains($"cp -r {dir}/. /tmp/layer/data/", pusher.Command[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Images_come_from_the_operator_settings_and_insecure_registries_get_insecure_pushes()
    {
        var images = new TuningImages("mirror.example.com/curl:8", "mirror.example.com/crane:debug", "mirror.example.com/busybox:1.36", ["mirror.example.com"]);
        var pod = TuningManifests.Build(Tuning(), Plan(), images).Job.Spec.Template.Spec;
        Assert.Equal("mirror.example.com/curl:8", Assert.Single(pod.InitContainers).Image);
        var pusher = pod.Containers.Single(c => c.Name == TuningData.PusherName);
        Assert.Equal("mirror.example.com/crane:debug", pusher.Image);
        Assert.Contains("crane append --insecure --base=mirror.example.com/busybox:1.36 ", pusher.Command[2], StringComparison.Ordinal);

        var secure = TuningManifests.Build(Tuning(), Plan()).Job.Spec.Template.Spec.Containers.Single(c => c.Name == TuningData.PusherName);
        Assert.Contains("crane append --base=busybox:1.36 ", secure.Command[2], StringComparison.Ordinal);
        Assert.Equal(TuningImages.DefaultPusher, secure.Image);
    }

    [Theory]
    [InlineData("busybox:1.36", "docker.io")]
    [InlineData("library/busybox", "docker.io")]
    [InlineData("localhost/adapter:1", "localhost")]
    [InlineData("198.18.0.1:5000/kaito/adapter:1", "198.18.0.1:5000")]
    [InlineData("myregistry.azurecr.io/phi-3-qlora-adapter:0.0.1", "myregistry.azurecr.io")]
    public void Registry_host_is_read_as_docker_reads_it(string image, string host) => Assert.Equal(host, TuningImages.RegistryHost(image));
}
