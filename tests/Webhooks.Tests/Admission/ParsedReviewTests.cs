using System.Text;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Admission.Reading;
using Kaito.Webhooks.Tests.Fuzz;
using Xunit.Abstractions;
using static Kaito.Webhooks.Tests.Admission.EntryPointAnswers;

namespace Kaito.Webhooks.Tests.Admission;

/// <summary>
/// Property: the mutating entry point (one parse of the body, <see cref="ParsedReview"/>) answers every body exactly as
/// the tolerant reading alone would, whether the one parse answered it or declined.
/// </summary>
public sealed class ParsedReviewTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_example_is_defaulted_from_one_parse_with_the_tolerant_readings_answer()
    {
        foreach (var (kind, body) in SeedReviews())
        {
            using (var parsed = ParsedReview.TryRead(body))
                Assert.NotNull(parsed);
            Assert.Equal(await TolerantAsync(kind, validate: false, body), await EntryPointAsync(kind, validate: false, body));
        }
    }

    [Fact]
    public async Task Generated_reviews_get_the_same_answer_from_one_parse_and_the_tolerant_reading()
    {
        var cases = new MalformedRequestGenerator(20_261_204).Generate(6_000)
            .Where(c => c.Body.Length <= WebhookEndpoints.MaxRequestBytes)
            .Select(c => (Case: c, Kind: AdmissionKind.All.SingleOrDefault(k => k.MutatePath == c.Path)))
            .Where(c => c.Kind is not null)
            .ToList();
        int parsedOnce = 0, declined = 0;
        var mismatches = new List<string>();
        foreach (var (fuzz, kind) in cases)
        {
            using (var parsed = ParsedReview.TryRead(fuzz.Body))
            {
                if (parsed is null) declined++;
                else parsedOnce++;
            }
            var answer = await EntryPointAsync(kind!, validate: false, fuzz.Body);
            var tolerant = await TolerantAsync(kind!, validate: false, fuzz.Body);
            if (answer != tolerant) mismatches.Add($"{fuzz}\n    entry point: {answer}\n    tolerant: {tolerant}");
        }
        output.WriteLine($"{cases.Count} mutate requests: {parsedOnce} answered from one parse, {declined} left to the tolerant reading");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} different answers, first ones:\n{string.Join("\n", mismatches.Take(5))}");
        Assert.True(parsedOnce >= cases.Count / 4, $"only {parsedOnce} of {cases.Count} answered from one parse");
        Assert.True(declined > 0);
    }

    [Theory]
    [InlineData("""{"request":{"uid":"u","uid":"v","kind":{"group":"kaito.sh","kind":"Workspace"},"operation":"DELETE"}}""", true)]
    [InlineData("""{"request":{"\u0075id":"v","kind":{"gr\u006fup":"kaito.sh","kind":"Workspace"},"oper\u0061tion":"DELETE"}}""", true)]
    [InlineData("""{"request":{"ui\u0064":"u","uid":"v"}}""", true)]
    [InlineData("""{"\u0024type":"x","request":{}}""", false)]
    [InlineData("""{"request":{"uid":5}}""", false)]
    [InlineData("""{"request":{"kind":[]}}""", false)]
    [InlineData("""{"request":{"dryRun":"no"}}""", false)]
    [InlineData("""{"response":{"uid":"u","allowed":true},"request":{}}""", false)]
    [InlineData("""{"$type":"x","request":{}}""", false)]
    [InlineData("""{"request":null}""", false)]
    [InlineData("""{"request":{}} x""", false)]
    [InlineData("""[{"request":{}}]""", false)]
    public void Declines_what_the_tolerant_reading_would_read_differently_or_refuse(string json, bool parsedOnce)
    {
        using var parsed = ParsedReview.TryRead(Encoding.UTF8.GetBytes(json));
        Assert.Equal(parsedOnce, parsed is not null);
        if (parsed is not null) Assert.Equal("v", parsed.Request.Uid);
    }
}
