using System.Text;
using OrchestrationMaint.Core.Metrics;

namespace OrchestrationMaint.Core.Tests.Metrics;

/// <summary>The slots are overwritten in place: what was handed out, and what is read back, must not change with them.</summary>
public sealed class KeptRecordRingTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Add_PastCapacity_KeepsTheNewestInOrder()
    {
        var ring = new KeptRecordRing(3);
        for (var i = 1; i <= 7; i++)
        {
            ring.Add(i, At.AddSeconds(i), "op", "failure", i, Line(i, new string('x', i * 50)));
        }

        Assert.Equal([7L, 6L, 5L], ring.NewestFirst(null, null).Select(r => r.LineNumber));
        var saved = new List<string>();
        ring.ForEach((number, _, _, _, _, line) => saved.Add($"{number} {Encoding.UTF8.GetString(line)}"));
        Assert.Equal([$"5 {Text(5, new string('x', 250))}", $"6 {Text(6, new string('x', 300))}", $"7 {Text(7, new string('x', 350))}"], saved);
    }

    [Fact]
    public void Add_ShorterLineIntoAReusedSlot_IsReadBackExactly()
    {
        var ring = new KeptRecordRing(1);
        ring.Add(1, At, "op", "failure", 1, Line(1, new string('y', 500)));
        ring.Add(2, At, "op", "failure", 2, Line(2, "short"));

        var record = Assert.Single(ring.NewestFirst(null, null));
        Assert.Equal("short", record.Fields["note"]);
        ring.ForEach((_, _, _, _, _, line) => Assert.Equal(Text(2, "short"), Encoding.UTF8.GetString(line)));
    }

    [Fact]
    public void RecordHandedOut_StaysTheSame_AfterItsSlotIsOverwritten()
    {
        var ring = new KeptRecordRing(1);
        ring.Add(1, At, "deploy", "failure", 1.5, Line(1, "first"));
        var first = Assert.Single(ring.NewestFirst(null, null));
        Assert.Same(first, Assert.Single(ring.NewestFirst(null, null)));

        ring.Add(2, At.AddHours(1), "push", "success", 20, Line(2, "second"));

        Assert.Equal((1L, At, "deploy", "failure", 1.5, "first"), (first.LineNumber, first.Timestamp, first.Operation, first.Status, first.DurationSeconds, first.Fields["note"]));
        Assert.Equal("second", Assert.Single(ring.NewestFirst(null, null)).Fields["note"]);
    }

    [Fact]
    public void Add_ManyLinesShortAndLong_AcrossBlocks_AreReadBackExactly()
    {
        // 700 slots span six blocks of 128 (the last one smaller); lines alternate between inline and own buffers.
        var ring = new KeptRecordRing(700);
        for (var i = 1; i <= 2_000; i++)
        {
            ring.Add(i, At, "op", "failure", i, Line(i, new string((char)('a' + (i % 26)), i % 7 == 0 ? 300 + (i % 50) : i % 120)));
        }

        var expected = Enumerable.Range(1_301, 700).Select(i => $"{i} {Text(i, new string((char)('a' + (i % 26)), i % 7 == 0 ? 300 + (i % 50) : i % 120))}");
        var saved = new List<string>();
        ring.ForEach((number, _, _, _, _, line) => saved.Add($"{number} {Encoding.UTF8.GetString(line)}"));
        Assert.Equal(expected, saved);
        Assert.Equal(2_000L, ring.NewestFirst(null, null).First().LineNumber);
    }

    [Fact]
    public void NewestFirst_FiltersByTimeAndOperation()
    {
        var ring = new KeptRecordRing(10);
        ring.Add(1, At, "a", "failure", 1, Line(1, "1"));
        ring.Add(2, At.AddHours(2), "b", "failure", 1, Line(2, "2"));
        ring.Add(3, At.AddHours(3), "a", "failure", 1, Line(3, "3"));

        Assert.Equal([3L], ring.NewestFirst(At.AddHours(1), "a").Select(r => r.LineNumber));
        Assert.Equal([3L, 1L], ring.NewestFirst(null, "a").Select(r => r.LineNumber));
    }

    [Fact]
    public void ZeroCapacity_KeepsNothing()
    {
        var ring = new KeptRecordRing(0);
        ring.Add(1, At, "a", "failure", 1, Line(1, "1"));

        Assert.Equal(0, ring.Count);
        Assert.Empty(ring.NewestFirst(null, null));
    }

    private static byte[] Line(int number, string note) => Encoding.UTF8.GetBytes(Text(number, note));

    private static string Text(int number, string note) =>
        $"{{\"timestamp\": \"2026-11-28T09:00:00Z\", \"operation\": \"op\", \"status\": \"failure\", \"duration_seconds\": {number}, \"note\": \"{note}\"}}";
}
