using System.Globalization;
using System.Net;

namespace Kaito.Operator.Fetch;

/// <summary>
/// <c>kaito-operator fetch --dir DIR [--allow CIDR]... URL FILE [URL FILE]...</c>: the tuning Job's data downloader
/// (<see cref="GuardedDownloader"/>), run from the operator's own image. Exit 0 all fetched, 1 a download failed,
/// 2 bad arguments, 3 a URL, redirect or address was refused.
/// </summary>
public static class FetchCommand
{
    public const string Name = "fetch";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, DownloadSettings? defaults = null, CancellationToken cancellationToken = default)
    {
        string? dir = null;
        var allowed = new List<IPNetwork>();
        var pairs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--dir" when i + 1 < args.Count:
                    dir = args[++i];
                    break;
                case "--allow" when i + 1 < args.Count:
                    if (!IPNetwork.TryParse(args[++i], out var network))
                        return Usage(error, $"--allow {args[i]}: not a network; write it as CIDR, e.g. 10.20.0.0/16");
                    allowed.Add(network);
                    break;
                case var flag when flag.StartsWith("--", StringComparison.Ordinal):
                    return Usage(error, $"unknown or incomplete option {flag}");
                default:
                    pairs.Add(args[i]);
                    break;
            }
        }
        if (dir is null) return Usage(error, "missing --dir");
        if (pairs.Count == 0 || pairs.Count % 2 != 0) return Usage(error, "give URL FILE pairs");

        var settings = (defaults ?? new DownloadSettings()) with { AllowedNetworks = allowed };
        var downloader = new GuardedDownloader(settings, output);
        Directory.CreateDirectory(dir);
        for (var i = 0; i < pairs.Count; i += 2)
        {
            if (!Uri.TryCreate(pairs[i], UriKind.Absolute, out var url)) return Usage(error, $"{pairs[i]} is not an absolute URL");
            var file = pairs[i + 1];
            if (file.Length == 0 || file.Contains('/', StringComparison.Ordinal) || file is "." or "..") return Usage(error, $"{file}: give a plain file name");
            var path = Path.Combine(dir, file);
            output.WriteLine($"fetching {url} → {path}");
            try
            {
                var outcome = await downloader.DownloadAsync(url, path, cancellationToken);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fetched {outcome.Bytes} bytes in {outcome.Elapsed.TotalSeconds:0.0} s"));
            }
            catch (DownloadRefusedException e)
            {
                await error.WriteLineAsync("refused: " + e.Message);
                return 3;
            }
            catch (DownloadFailedException e)
            {
                await error.WriteLineAsync("failed: " + e.Message);
                return 1;
            }
        }
        return 0;
    }

    static int Usage(TextWriter error, string message)
    {
        error.WriteLine($"kaito-operator fetch: {message}");
        error.WriteLine("usage: kaito-operator fetch --dir DIR [--allow CIDR]... URL FILE [URL FILE]...");
        return 2;
    }
}
