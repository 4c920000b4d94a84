using Kaito.Webhooks.Admission.Reading;

namespace Kaito.Webhooks.Tests.Admission;

/// <summary>How names and known strings are keyed and found.</summary>
public sealed class NameLookupTests
{
    [Fact]
    public void Up_to_eight_bytes_read_as_one_zero_padded_little_endian_integer_whatever_the_length()
    {
        var bytes = Enumerable.Range(0, 12).Select(i => (byte)(0xA1 + 7 * i)).ToArray();
        for (var length = 0; length <= bytes.Length; length++)
        {
            ulong expected = 0;
            for (var i = Math.Min(length, 8) - 1; i >= 0; i--) expected = expected << 8 | bytes[i];
            Assert.Equal(expected, Utf8Words.Load(bytes.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Every_property_of_a_planned_type_is_found_by_its_name_and_no_other_name_is()
    {
        var plan = ReadPlan.For(Kaito.Webhooks.Admission.TypedReviewJson.Review<Kaito.Api.V1Beta1.Workspace>.TypeInfo)!;
        var pending = new Stack<ReadPlan>([plan]);
        var seen = new HashSet<ReadPlan>();
        var checkedNames = 0;
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next)) continue;
            foreach (var property in next.Properties)
            {
                byte[] changed = [.. property.Name];
                changed[^1] ^= 0x20;
                // The name itself, and others close to it: one byte longer, one shorter, the last byte changed.
                foreach (var name in new[] { property.Name, [.. property.Name, (byte)'x'], property.Name[..^1], changed })
                    Assert.Same(next.Properties.SingleOrDefault(p => p.Name.AsSpan().SequenceEqual(name)), next.Find(name));
                checkedNames++;
                pending.Push(property.Value);
            }
        }
        Assert.True(checkedNames > 100, $"only {checkedNames} names checked");
    }
}
