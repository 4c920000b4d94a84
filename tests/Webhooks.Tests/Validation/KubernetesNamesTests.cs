using System.Text;
using System.Text.RegularExpressions;
using Kaito.Webhooks.Validation;

namespace Kaito.Webhooks.Tests.Validation;

/// <summary>The name checks against the API server's patterns (k8s.io/apimachinery validation), over generated strings.</summary>
public sealed class KubernetesNamesTests
{
    static readonly Regex Label = new(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant);
    static readonly Regex Subdomain = new(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant);
    static readonly Regex Qualified = new(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z", RegexOptions.CultureInvariant);

    // Every class the patterns tell apart, plus what they must refuse (upper case in labels, '/', space, non-ASCII, newline).
    const string Alphabet = "az09AZ-._/ é\n";

    [Fact]
    public void The_checks_agree_with_the_api_servers_patterns_on_generated_names()
    {
        var random = new Random(20261203);
        var checkedNames = 0;
        foreach (var value in Generated(random, 40_000))
        {
            Assert.True((Label.IsMatch(value) && value.Length <= 63) == KubernetesNames.IsDns1123Label(value), $"label \"{Escape(value)}\"");
            Assert.True((Subdomain.IsMatch(value) && value.Length <= 253) == KubernetesNames.IsDns1123Subdomain(value), $"subdomain \"{Escape(value)}\"");
            var validValue = value.Length == 0 || (value.Length <= 63 && Qualified.IsMatch(value));
            Assert.True(validValue == (KubernetesNames.LabelValueProblem(value) is null), $"label value \"{Escape(value)}\"");
            Assert.True(ValidKey(value) == (KubernetesNames.LabelKeyProblem(value) is null), $"label key \"{Escape(value)}\"");
            checkedNames++;
        }
        Assert.Equal(40_000, checkedNames);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("a-b", true)]
    [InlineData("-a", false)]
    [InlineData("a-", false)]
    [InlineData("A", false)]
    [InlineData("a.b", false)]
    [InlineData("", false)]
    public void A_dns_label_is_lower_case_letters_digits_and_inner_dashes(string value, bool valid) =>
        Assert.Equal(valid, KubernetesNames.IsDns1123Label(value));

    [Theory]
    [InlineData("kaito.sh/apps", null)]
    [InlineData("apps", null)]
    [InlineData("Kaito.sh/apps", "label key prefix \"Kaito.sh\" must be a DNS subdomain")]
    [InlineData("kaito..sh/apps", "label key prefix \"kaito..sh\" must be a DNS subdomain")]
    [InlineData("kaito.sh/-apps", "label key name \"-apps\" must be at most 63 characters")]
    [InlineData("kaito.sh/", "label key name \"\" must be at most 63 characters")]
    public void A_label_key_problem_names_the_part_that_is_wrong(string key, string? problem)
    {
        var actual = KubernetesNames.LabelKeyProblem(key);
        if (problem is null) Assert.Null(actual);
        else Assert.StartsWith(problem, actual);
    }

    static bool ValidKey(string key)
    {
        if (key.Length == 0) return false;
        var slash = key.LastIndexOf('/');
        var name = key[(slash + 1)..];
        if (slash >= 0 && !(Subdomain.IsMatch(key[..slash]) && slash <= 253)) return false;
        return name.Length is > 0 and <= 63 && Qualified.IsMatch(name);
    }

    /// <summary>Short strings over <see cref="Alphabet"/>, biased to valid names (so both answers are common), and some long ones around the limits.</summary>
    static IEnumerable<string> Generated(Random random, int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Clear();
            var length = i % 50 == 0 ? random.Next(60, 260) : random.Next(0, 12);
            var validOnly = random.Next(3) == 0;
            for (var j = 0; j < length; j++)
                text.Append(validOnly ? "ab09-."[random.Next(6)] : Alphabet[random.Next(Alphabet.Length)]);
            yield return text.ToString();
        }
    }

    static string Escape(string value) => value.Replace("\n", "\\n", StringComparison.Ordinal);
}
