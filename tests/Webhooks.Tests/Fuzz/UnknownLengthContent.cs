using System.Net;

namespace Kaito.Webhooks.Tests.Fuzz;

/// <summary>A body sent with Transfer-Encoding: chunked (no Content-Length), as a streaming client would.</summary>
sealed class UnknownLengthContent(byte[] body) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(body).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
