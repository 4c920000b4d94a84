using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Kaito.Webhooks.Validation;

namespace Kaito.Operator.Fetch;

/// <summary>
/// Downloads tuning input URLs without reaching inside the cluster, the node or a cloud's metadata service: every host
/// name is resolved here, every address checked, and the connection made to the checked address (a name cannot resolve
/// elsewhere between check and connect); redirects are followed one by one and each target checked the same way.
/// Networks an operator trusts (a private blob endpoint, say) are allowed explicitly.
/// </summary>
public sealed class GuardedDownloader(DownloadSettings settings, TextWriter log)
{
    public async Task<DownloadOutcome> DownloadAsync(Uri url, string path, CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var attempt = 0; attempt <= settings.Retries; attempt++)
        {
            if (attempt > 0)
            {
                var delay = TimeSpan.FromTicks(settings.RetryDelay.Ticks << (attempt - 1));
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  retrying in {delay.TotalSeconds:0.#} s ({last!.Message})"));
                await Task.Delay(delay, settings.Time, cancellationToken);
            }
            try
            {
                return await OnceAsync(url, path, cancellationToken);
            }
            catch (DownloadRefusedException)
            {
                throw;
            }
            catch (HttpRequestException e) when (Refusal(e) is { } refusal)
            {
                throw refusal;
            }
            catch (TransientDownloadException e)
            {
                last = e;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = e;
            }
        }
        throw new DownloadFailedException($"{url}: {last!.Message} (gave up after {settings.Retries + 1} attempts)", last);
    }

    async Task<DownloadOutcome> OnceAsync(Uri url, string path, CancellationToken cancellationToken)
    {
        using var client = CreateClient();
        var current = url;
        for (var redirects = 0; ; redirects++)
        {
            CheckUrl(current, redirects == 0 ? "URL" : "redirect target");
            using var response = await client.GetAsync(current, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308)
            {
                if (response.Headers.Location is not { } location) throw new DownloadFailedException($"{current}: HTTP {status} without a Location header");
                if (redirects >= settings.MaxRedirects) throw new DownloadFailedException($"{url}: more than {settings.MaxRedirects} redirects");
                var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                log.WriteLine($"  redirected to {next}");
                current = next;
                continue;
            }
            if (status == 408 || status == 429 || status >= 500) throw new TransientDownloadException($"HTTP {status} from {current}");
            if (status >= 400) throw new DownloadFailedException($"{current}: HTTP {status} {response.ReasonPhrase}");
            return await SaveAsync(response, current, path, cancellationToken);
        }
    }

    async Task<DownloadOutcome> SaveAsync(HttpResponseMessage response, Uri from, string path, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var partial = path + ".partial";
        long bytes = 0, reported = 0;
        await using (var source = await response.Content.ReadAsStreamAsync(cancellationToken))
        await using (var target = File.Create(partial))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                bytes += read;
                if (bytes - reported >= settings.ProgressEvery)
                {
                    reported = bytes;
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / 1048576.0:0} MiB"));
                }
            }
        }
        File.Move(partial, path, overwrite: true);
        return new DownloadOutcome(from, path, bytes, clock.Elapsed);
    }

    /// <summary>The rules admission applies to a URL, again for redirect targets (admission never saw them); a literal address may be in an allowed network.</summary>
    void CheckUrl(Uri url, string what)
    {
        if (UrlRules.DownloadProblem(url.AbsoluteUri, settings.Allows) is { } problem) throw new DownloadRefusedException($"{what} {url} refused: {problem}");
    }

    HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,     // each hop is checked in OnceAsync
            UseProxy = false,              // a proxy would make the checked address the proxy's
            ConnectTimeout = settings.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectAsync,
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await settings.Resolve(host, cancellationToken);
        if (addresses.Length == 0) throw new DownloadFailedException($"{host} has no address");
        foreach (var address in addresses)
        {
            if (settings.Refuses(address))
                throw new DownloadRefusedException(
                    $"{host} resolves to {address}, which is {UrlRules.InternalWords}; use a public URL, mount the data as a volume, " +
                    "or have the operator allow that network (--download-allowed-networks)");
        }
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }
        throw new HttpRequestException($"could not connect to {host}:{context.DnsEndPoint.Port} ({last!.Message})", last);
    }

    static DownloadRefusedException? Refusal(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is DownloadRefusedException refused) return refused;
        }
        return null;
    }
}

public sealed record DownloadOutcome(Uri From, string Path, long Bytes, TimeSpan Elapsed);

/// <summary>A URL, redirect or address the guard does not allow: never retried.</summary>
public sealed class DownloadRefusedException(string message) : Exception(message);

/// <summary>A download that cannot succeed as asked (HTTP 4xx, no address, too many redirects, retries spent).</summary>
public sealed class DownloadFailedException(string message, Exception? inner = null) : Exception(message, inner);

sealed class TransientDownloadException(string message) : Exception(message);
