using Kaito.Operator;
using Kaito.Reconcilers.Manifests;
using Microsoft.Extensions.Configuration;

namespace Kaito.Operator.Tests;

public class TuningImageOptionsTests
{
    static OperatorOptions Parse(params string[] args) => OperatorOptions.From(new ConfigurationBuilder().AddCommandLine(args).Build());

    [Fact]
    public void Defaults_are_kaitos_public_images_and_no_insecure_registry()
    {
        var images = Parse().TuningImages!;
        Assert.Equal((TuningImages.DefaultDownloader, TuningImages.DefaultPusher, TuningImages.DefaultAdapterBase), (images.Downloader, images.Pusher, images.AdapterBase));
        Assert.Empty(images.InsecureRegistries!);
        Assert.Empty(images.DownloadAllowedNetworks!);
    }

    [Fact]
    public void Download_allowed_networks_are_cidrs_and_anything_else_stops_the_operator_naming_the_flag()
    {
        Assert.Equal(["10.20.0.0/16", "fd00::/8"], Parse("--download-allowed-networks", "10.20.0.0/16, fd00::/8").TuningImages!.DownloadAllowedNetworks);
        var error = Assert.Throws<OptionsException>(() => Parse("--download-allowed-networks", "10.20.0.0/16,storage.internal"));
        Assert.Contains("--download-allowed-networks: \"storage.internal\" is not a network", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_override_each_image_and_list_insecure_registries()
    {
        var images = Parse("--tuning-downloader-image", "mirror.example.com/curl:8", "--tuning-pusher-image", "mirror.example.com/crane:debug",
            "--adapter-base-image", "mirror.example.com/busybox:1.36", "--insecure-registries", "registry.local:5000, 198.18.0.1:5000").TuningImages!;
        Assert.Equal(("mirror.example.com/curl:8", "mirror.example.com/crane:debug", "mirror.example.com/busybox:1.36"), (images.Downloader, images.Pusher, images.AdapterBase));
        Assert.Equal(["registry.local:5000", "198.18.0.1:5000"], images.InsecureRegistries);
        Assert.True(images.NeedsInsecure("198.18.0.1:5000/adapters/phi-3:1"));
        Assert.False(images.NeedsInsecure("myregistry.azurecr.io/phi-3:1"));
    }
}
