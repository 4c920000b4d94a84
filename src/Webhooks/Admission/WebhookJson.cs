using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kaito.Webhooks.Admission;

static class WebhookJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
