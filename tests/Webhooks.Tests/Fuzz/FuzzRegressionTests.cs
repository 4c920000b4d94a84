using System.Net;
using System.Text;
using System.Text.Json;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kaito.Webhooks.Tests.Fuzz;

/// <summary>Failures the fuzz test found, pinned down one by one.</summary>
public sealed class FuzzRegressionTests
{
    [Theory]
    [InlineData("{\"metadata\":{\"name\":\"\\ud800\"}}")]
    [InlineData("{\"metadata\":{\"name\":\"a\\udc00b\"}}")]
    [InlineData("{\"metadata\":{\"name\":\"\u00FF\u00FE\"}}")]   // Latin-1 bytes 0xFF 0xFE: invalid UTF-8
    public async Task Validate_answers_when_metadata_name_is_not_decodable_text(string json)
    {
        var bytes = json.Contains('\u00FF', StringComparison.Ordinal) ? Encoding.Latin1.GetBytes(json) : Encoding.UTF8.GetBytes(json);
        using var document = JsonDocument.Parse(bytes);
        var handler = new AdmissionHandler(new AdmissionSettings(), null, NullLogger<AdmissionHandler>.Instance);
        var request = new AdmissionRequest
        {
            Uid = "uid-1",
            Kind = new GroupVersionKind { Group = "kaito.sh", Version = "v1beta1", Kind = "Workspace" },
            Operation = "CREATE",
            Object = document.RootElement.Clone(),
        };

        var response = await handler.ValidateAsync(AdmissionKind.Workspace, request, CancellationToken.None);

        Assert.Equal("uid-1", response.Uid);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_gets_413_without_an_unhandled_exception()
    {
        await using var server = await WebhookTestServer.StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var body = Encoding.UTF8.GetBytes("{\"request\":{\"uid\":\"" + new string('a', (int)WebhookEndpoints.MaxRequestBytes) + "\"}}");
        using var content = new UnknownLengthContent(body);

        using var response = await client.PostAsync(AdmissionKind.Workspace.ValidatePath, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }
}
