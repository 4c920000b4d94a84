using System.Collections;
using Kaito.Presets;
using Microsoft.Extensions.Configuration;

namespace Kaito.Operator.Tests;

public sealed class EnvironmentFlagsTests
{
    [Fact]
    public void Kaito_variables_are_flags_beneath_the_command_line()
    {
        var environment = new Hashtable
        {
            ["KAITO_NODE_PROVISIONER"] = "byo",
            ["KAITO_WORKERS"] = "2",
            ["KAITO_API_QPS"] = "7.5",
            ["KAITO_PRESET_REGISTRY"] = "",
            ["PATH"] = "/usr/bin",
        };
        var configuration = new ConfigurationBuilder().AddCommandLine(["--workers=8"]);
        EnvironmentFlags.AddBeneath(configuration, environment);

        var options = OperatorOptions.From(configuration.Build());

        Assert.Equal(NodeProvisioning.BringYourOwn, options.Admission.Provisioning);
        Assert.Equal(8, options.Workers);
        Assert.Equal(7.5, options.ApiQps);
        Assert.Equal(ModelImages.DefaultRegistry, options.PresetRegistry);
    }

    [Theory]
    [InlineData("--api-qps=0", "--api-qps must be")]
    [InlineData("--api-burst=lots", "--api-burst must be")]
    public void A_bad_request_budget_is_refused_by_name(string flag, string message)
    {
        var error = Assert.Throws<OptionsException>(() => OperatorOptions.From(new ConfigurationBuilder().AddCommandLine([flag]).Build()));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
