using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Core.Target.Demo;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Metrics;

public sealed class MetricsEngineTests : IDisposable
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly TempDirectory _temp = new();

    private string Root => _temp.Combine("target");

    private string MetricsPath => Path.Combine(Root, "logs", "metrics.jsonl");

    private static string Line(DateTimeOffset at, string operation, string status, double seconds, string extra = "") =>
        $"{{\"timestamp\": \"{at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\", \"operation\": \"{operation}\", \"status\": \"{status}\", \"duration_seconds\": {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}{extra}}}";

    private async Task<(MetricsEngine Engine, ThresholdService Thresholds)> StartEngineAsync(MetricsOptions? options = null)
    {
        Directory.CreateDirectory(Path.Combine(Root, "logs"));
        var database = await TestDatabase.MigratedAsync(_temp.Combine("app.db"));
        var metricsOptions = Options.Create(options ?? new MetricsOptions());
        var thresholds = new ThresholdService(new SettingsStore(database, TimeProvider.System), database.Guard, database.Audit, metricsOptions, NullLogger<ThresholdService>.Instance);
        var engine = new MetricsEngine(TestTarget.Location(Root, _temp.Path), thresholds, database, metricsOptions, TimeProvider.System, NullLogger<MetricsEngine>.Instance);
        await engine.StartReadingAsync(Ct);
        return (engine, thresholds);
    }

    private void Append(params string[] lines) => File.AppendAllText(MetricsPath, string.Concat(lines.Select(l => l + "\n")));

    private static void AssertMatchesTruth(MetricsEngine engine, string path, MetricsWindow window)
    {
        AssertEqual(MetricsTruth.Of(path, engine.SlowThresholdSeconds, window.Start(DateTimeOffset.UtcNow)), engine.Summarize(window));
    }

    private static void AssertEqual(MetricsTruth truth, MetricsSummary summary)
    {
        Assert.Equal(truth.Records, summary.Records);
        Assert.Equal(truth.Successes, summary.Successes);
        Assert.Equal(truth.Failures, summary.Failures);
        Assert.Equal(truth.Other, summary.Other);
        Assert.Equal(truth.Slow, summary.SlowOperations);
        Assert.Equal(truth.Malformed, summary.MalformedLines);
        Assert.Equal(truth.SuccessRate, summary.SuccessRate);
        Assert.Equal(truth.Operations.Keys.Order(), summary.Operations.Select(o => o.Operation).Order());
        foreach (var operation in summary.Operations)
        {
            Assert.Equal(truth.Operations[operation.Operation].Count, operation.Count);
            Assert.Equal(truth.Operations[operation.Operation].Max, operation.Max);
        }
    }

    [Fact]
    public async Task Poll_DemoHistory_EqualsIndependentTruthInEveryWindow()
    {
        new DemoTargetGenerator(TimeProvider.System).Generate(_temp.Combine("demo"), new DemoOptions { HistoryRecords = 30_000 });
        Directory.Move(_temp.Combine("demo", "target"), Root);
        var (engine, _) = await StartEngineAsync();

        Assert.True(engine.Poll());

        foreach (var window in Enum.GetValues<MetricsWindow>())
        {
            AssertMatchesTruth(engine, MetricsPath, window);
        }

        Assert.Equal(8, engine.MalformedLines(100).Count);
        Assert.Equal(MetricsFileState.Reading, engine.FileStatus.State);
    }

    [Fact]
    public async Task Poll_BigColdFile_EqualsTruthAndKeepsLineNumbers()
    {
        Directory.CreateDirectory(Path.Combine(Root, "logs"));
        using (var file = File.Create(MetricsPath))
        {
            DemoTargetGenerator.WriteHistory(file, null, DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow, 150_000, new Random(3));
        }

        var (engine, _) = await StartEngineAsync();

        engine.Poll();

        foreach (var window in Enum.GetValues<MetricsWindow>())
        {
            AssertMatchesTruth(engine, MetricsPath, window);
        }

        var lines = File.ReadAllLines(MetricsPath);
        var expectedMalformed = lines.Select((line, i) => (Line: line, Number: i + 1L))
            .Where(l => MetricLineParser.Parse(System.Text.Encoding.UTF8.GetBytes(l.Line)).Error is not null)
            .Select(l => l.Number).Reverse();
        Assert.Equal(expectedMalformed, engine.MalformedLines(100).Select(m => m.LineNumber));
        var newestSlow = engine.SlowOperations(MetricsWindow.All, null, 1).Single();
        Assert.Equal(newestSlow.Operation, MetricLineParser.Parse(System.Text.Encoding.UTF8.GetBytes(lines[newestSlow.LineNumber - 1])).Record!.Operation);
        Assert.Equal(lines.Length, engine.FileStatus.LinesRead);

        File.AppendAllText(MetricsPath, Line(DateTimeOffset.UtcNow, "after", "success", 1) + "\n");
        engine.Poll();
        Assert.Equal(lines.Length + 1, engine.FileStatus.LinesRead);
        AssertMatchesTruth(engine, MetricsPath, MetricsWindow.All);
    }

    [Fact]
    public async Task Poll_AppendedLinesAndAPartialLast_CountsEachCompleteLineOnce()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, _) = await StartEngineAsync();
        Append(Line(now, "distribute", "success", 3.2), Line(now, "git_push", "failure", 12.5, ", \"error\": \"remote unavailable\""));
        File.AppendAllText(MetricsPath, Line(now, "distribute", "success", 1));

        engine.Poll();
        Assert.Equal(2, engine.Summarize(MetricsWindow.All).Records);
        Assert.False(engine.Poll(), "nothing new: no change");

        File.AppendAllText(MetricsPath, "\n");
        Assert.True(engine.Poll());

        var summary = engine.Summarize(MetricsWindow.All);
        Assert.Equal(3, summary.Records);
        Assert.Equal(1, summary.SlowOperations);
        Assert.Equal(200.0 / 3, summary.SuccessRate!.Value, 9);
        var slow = Assert.Single(engine.SlowOperations(MetricsWindow.All, null, 10));
        Assert.Equal(2, slow.LineNumber);
        Assert.Equal("remote unavailable", slow.Fields["error"]);
    }

    [Fact]
    public async Task Failures_FilteredByOperationAndText_NewestFirst()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, _) = await StartEngineAsync();
        Append(Line(now.AddMinutes(-2), "git_push", "failure", 1, ", \"error\": \"Git operation failed: remote unavailable\""),
            Line(now.AddMinutes(-1), "distribute", "failure", 1, ", \"error\": \"Cannot source module: modules/git_ops.sh\""),
            Line(now, "git_push", "failure", 1, ", \"error\": \"Git operation failed: push rejected\""),
            Line(now, "git_push", "success", 1));
        engine.Poll();

        Assert.Equal([3, 2, 1], engine.Failures(MetricsWindow.All, null, null, 10).Select(f => f.LineNumber));
        Assert.Equal([3, 1], engine.Failures(MetricsWindow.All, "git_push", null, 10).Select(f => f.LineNumber));
        Assert.Equal([1], engine.Failures(MetricsWindow.All, null, "REMOTE UNAVAILABLE", 10).Select(f => f.LineNumber));
    }

    [Fact]
    public async Task Poll_BomCrlfBlankAndOtherStatus_FollowTheContract()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, _) = await StartEngineAsync();
        File.WriteAllText(MetricsPath, "\uFEFF" + Line(now, "a", "SUCCESS", 1) + "\r\n\r\n   \n" + Line(now, "a", "skipped", 1) + "\r\nnot json\r\n", new UTF8Encoding(false));

        engine.Poll();

        var summary = engine.Summarize(MetricsWindow.All);
        Assert.Equal(2, summary.Records);
        Assert.Equal(1, summary.Other);
        Assert.Equal(100, summary.SuccessRate);
        var malformed = Assert.Single(engine.MalformedLines(10));
        Assert.Equal(5, malformed.LineNumber);
        Assert.Equal("not json", malformed.Excerpt);
    }

    [Fact]
    public async Task Poll_OutOfRangeDateThenAGoodLine_CountsBothAndMovesOn()
    {
        var (engine, _) = await StartEngineAsync();
        Append("{\"timestamp\": \"0000-01-01T00:00:00Z\", \"operation\": \"a\", \"status\": \"success\", \"duration_seconds\": 1}",
            "{\"timestamp\": \"0001-01-01T00:30:00+01:00\", \"operation\": \"a\", \"status\": \"success\", \"duration_seconds\": 1}",
            Line(DateTimeOffset.UtcNow, "a", "failure", 1, ", \"error\": \"\\ud800\""));

        engine.Poll();

        var summary = engine.Summarize(MetricsWindow.All);
        Assert.Equal(1, summary.Records);
        Assert.Equal(2, summary.MalformedLines);
        Assert.False(engine.Poll(), "the file was read to its end: nothing is read again");
        Assert.Equal("\"\\ud800\"", Assert.Single(engine.Failures(MetricsWindow.All, null, null, 10)).Fields.Values.Single());
    }

    [Fact]
    public async Task Poll_NoSuccessOrFailure_SuccessRateIsNoData()
    {
        var (engine, _) = await StartEngineAsync();
        Append(Line(DateTimeOffset.UtcNow, "a", "skipped", 1));

        engine.Poll();

        Assert.Null(engine.Summarize(MetricsWindow.All).SuccessRate);
    }

    [Fact]
    public async Task Poll_FileTruncated_RecountsWhatIsInItNow()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, _) = await StartEngineAsync();
        Append(Line(now, "a", "success", 1), Line(now, "a", "success", 1), Line(now, "a", "failure", 1));
        engine.Poll();

        File.WriteAllText(MetricsPath, Line(now, "b", "failure", 2) + "\n");
        Assert.True(engine.Poll());

        var summary = engine.Summarize(MetricsWindow.All);
        Assert.Equal(1, summary.Records);
        Assert.Equal("b", Assert.Single(summary.Operations).Operation);
        AssertMatchesTruth(engine, MetricsPath, MetricsWindow.All);
    }

    [Fact]
    public async Task Poll_FileTruncatedAndRegrownPastTheOffsetBetweenPolls_RecountsInsteadOfReadingMidLine()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, _) = await StartEngineAsync();
        Append(Line(now, "a", "success", 1), Line(now, "a", "success", 1));
        engine.Poll();

        // Same inode, larger than before: only the bytes before the old offset tell.
        File.WriteAllText(MetricsPath, string.Concat(Enumerable.Range(0, 5).Select(i => Line(now, $"rewritten_{i}", "failure", 2) + "\n")));
        Assert.True(engine.Poll());

        AssertMatchesTruth(engine, MetricsPath, MetricsWindow.All);
        Assert.Equal(0, engine.Summarize(MetricsWindow.All).MalformedLines);
    }

    [Fact]
    public async Task Poll_FileRotatedAway_FollowsTheNewFileWithoutCountingTwice()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, _) = await StartEngineAsync();
        Append(Line(now, "a", "success", 1), Line(now, "a", "success", 1));
        engine.Poll();

        File.Move(MetricsPath, MetricsPath + ".1");
        Append(Line(now, "c", "success", 1), Line(now, "c", "success", 1), Line(now, "c", "failure", 1));
        engine.Poll();
        Append(Line(now, "c", "success", 1));
        engine.Poll();

        AssertMatchesTruth(engine, MetricsPath, MetricsWindow.All);
        Assert.Equal(4, engine.Summarize(MetricsWindow.All).Records);
    }

    [Fact]
    public async Task Poll_FileReplacedByALongerOne_RecountsTheReplacement()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, _) = await StartEngineAsync();
        Append(Line(now, "a", "success", 1));
        engine.Poll();

        var replacement = MetricsPath + ".new";
        File.WriteAllText(replacement, string.Concat(Enumerable.Repeat(Line(now, "a", "success", 1) + "\n", 5)));
        File.Move(replacement, MetricsPath, overwrite: true);
        engine.Poll();

        Assert.Equal(5, engine.Summarize(MetricsWindow.All).Records);
    }

    [Fact]
    public async Task Poll_FileMissingThenCreated_SaysSoThenReadsIt()
    {
        var (engine, _) = await StartEngineAsync();

        engine.Poll();
        Assert.Equal(MetricsFileState.Missing, engine.FileStatus.State);
        Assert.Contains("does not exist", engine.FileStatus.Message, StringComparison.Ordinal);
        Assert.Equal(0, engine.Summarize(MetricsWindow.All).Records);

        Append(Line(DateTimeOffset.UtcNow, "a", "success", 1));
        engine.Poll();
        Assert.Equal(MetricsFileState.Reading, engine.FileStatus.State);
        Assert.Equal(1, engine.Summarize(MetricsWindow.All).Records);

        File.Delete(MetricsPath);
        Assert.True(engine.Poll());
        Assert.Equal(0, engine.Summarize(MetricsWindow.All).Records);
    }

    [Fact]
    public async Task Poll_MetricsFileIsAFifo_IsNeverOpened()
    {
        var (engine, _) = await StartEngineAsync();
        var mkfifo = await ScriptRunner.RunAsync("mkfifo", [MetricsPath], _temp.Path, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(0, mkfifo.ExitCode);

        engine.Poll();

        Assert.Equal(MetricsFileState.NotAFile, engine.FileStatus.State);
        Assert.Contains("FIFO", engine.FileStatus.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_LineLongerThanTheLimit_IsMalformedAndTheNextLineCounts()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, _) = await StartEngineAsync(new MetricsOptions { MaxLineBytes = 64 * 1024 });
        var bigButAllowed = Line(now, "a", "success", 1, $", \"note\": \"{new string('x', 40_000)}\"");
        var tooBig = Line(now, "a", "success", 1, $", \"note\": \"{new string('y', 3 * 1024 * 1024)}\"");
        Append(bigButAllowed, tooBig, Line(now, "b", "failure", 2));

        engine.Poll();

        var summary = engine.Summarize(MetricsWindow.All);
        Assert.Equal(2, summary.Records);
        Assert.Equal(1, summary.MalformedLines);
        var malformed = Assert.Single(engine.MalformedLines(10));
        Assert.Equal(2, malformed.LineNumber);
        Assert.Equal("longer than 65536 bytes", malformed.Reason);
    }

    [Fact]
    public async Task ThresholdChange_SlowCountFollowsWithoutRestart()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, thresholds) = await StartEngineAsync();
        Append(Line(now, "a", "success", 4), Line(now, "a", "success", 10), Line(now, "a", "success", 10.001), Line(now, "a", "success", 30));
        engine.Poll();
        Assert.Equal(2, engine.Summarize(MetricsWindow.All).SlowOperations);

        await thresholds.UpdateAsync(new Thresholds(SlowOperationSeconds: 3.5), OrchestrationMaint.Core.Access.Actor.System, Ct);
        engine.Poll();

        Assert.Equal(4, engine.Summarize(MetricsWindow.All).SlowOperations);
        Assert.Equal(3.5, engine.SlowThresholdSeconds);
    }

    [Fact]
    public async Task Restart_ContinuesFromTheSavedPositionInsteadOfRescanning()
    {
        var now = DateTimeOffset.UtcNow;
        var (first, _) = await StartEngineAsync();
        Append(Line(now, "a", "success", 1), Line(now, "a", "failure", 11));
        first.Poll();
        await first.SaveAsync(Ct);

        // Spoil the first line in place (same length): a rescan would now count it as malformed.
        var bytes = File.ReadAllBytes(MetricsPath);
        bytes[0] = (byte)'X';
        File.WriteAllBytes(MetricsPath, bytes);
        Append(Line(now, "b", "success", 2));
        var (second, _) = await StartEngineAsync();
        second.Poll();

        var summary = second.Summarize(MetricsWindow.All);
        Assert.Equal(3, summary.Records);
        Assert.Equal(0, summary.MalformedLines);
        Assert.Equal(1, summary.SlowOperations);
        Assert.Equal(3, second.FileStatus.LinesRead);
    }

    [Fact]
    public async Task Summarize_24HourWindow_LeavesOutOlderHoursAndKeepsTheSeries()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, _) = await StartEngineAsync();
        Append(Line(now.AddDays(-3), "a", "failure", 1), Line(now.AddHours(-1), "a", "success", 1), Line(now, "a", "success", 1));
        engine.Poll();

        var day = engine.Summarize(MetricsWindow.Last24Hours);
        var all = engine.Summarize(MetricsWindow.All);

        Assert.Equal(2, day.Records);
        Assert.Equal(100, day.SuccessRate);
        Assert.Equal(3, all.Records);
        Assert.Equal(new[] { now.AddHours(-1), now }.Select(t => MetricsWindows.FloorHour(t)).Distinct().Count(), day.Series.Count);
        Assert.Equal(new[] { now.AddDays(-3), now.AddHours(-1), now }.Select(t => t.UtcDateTime.Date).Distinct().Count(), all.Series.Count);
        AssertMatchesTruth(engine, MetricsPath, MetricsWindow.Last24Hours);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>30 days of generated history, read once.</summary>
    private async Task<MetricsEngine> IngestHistoryAsync(int records)
    {
        Directory.CreateDirectory(Path.Combine(Root, "logs"));
        using (var file = File.Create(MetricsPath))
        {
            DemoTargetGenerator.WriteHistory(file, null, DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow, records, new Random(5));
        }

        var (engine, _) = await StartEngineAsync();
        engine.Poll();
        return engine;
    }

    /// <summary>Windows that start and end mid-hour, one inside a single hour, one still running, one a week back.</summary>
    private static IReadOnlyList<TimeRange> Windows(DateTimeOffset now) =>
    [
        new(now.AddDays(-2).AddMinutes(13), now.AddDays(-2).AddHours(2).AddMinutes(40)),
        new(MetricsWindows.FloorHour(now.AddHours(-10)).AddMinutes(5), MetricsWindows.FloorHour(now.AddHours(-10)).AddMinutes(50)),
        new(now.AddMinutes(-40), now),
        new(now.AddDays(-6).AddHours(-3), now.AddDays(-6).AddHours(4)),
    ];

    /// <summary>An hour is left out when any window overlaps it at all: computed by interval overlap, not the engine's hour walk.</summary>
    private static bool Touched(IReadOnlyList<TimeRange> windows, DateTimeOffset hour) => windows.Any(w => w.Start < hour.AddHours(1) && w.End > hour);

    [Fact]
    public async Task Summarize_WindowsExcluded_EqualsTruthWithoutTheirHoursInEveryView()
    {
        var engine = await IngestHistoryAsync(60_000);
        var now = DateTimeOffset.UtcNow;
        var windows = Windows(now);

        foreach (var view in Enum.GetValues<MetricsWindow>())
        {
            var truth = MetricsTruth.Of(MetricsPath, engine.SlowThresholdSeconds, view.Start(now), hour => Touched(windows, hour));
            var all = MetricsTruth.Of(MetricsPath, engine.SlowThresholdSeconds, view.Start(now));
            var summary = engine.Summarize(view, windows);

            AssertEqual(truth, summary);

            // Something really was left out, and no hour of the series lies in a window.
            Assert.True(all.Records > truth.Records, $"{view}: the windows held no records");
            Assert.DoesNotContain(summary.Series, point => view is MetricsWindow.Last24Hours or MetricsWindow.Last7Days && Touched(windows, point.Start));
        }
    }

    [Fact]
    public async Task SlowOperations_WindowsExcluded_ListsNoneFromTheirHours()
    {
        var engine = await IngestHistoryAsync(60_000);
        var windows = Windows(DateTimeOffset.UtcNow);

        var all = engine.SlowOperations(MetricsWindow.Last7Days, null, 10_000);
        var kept = engine.SlowOperations(MetricsWindow.Last7Days, null, 10_000, windows);

        Assert.NotEmpty(kept);
        Assert.DoesNotContain(kept, r => Touched(windows, MetricsWindows.FloorHour(r.Timestamp)));
        Assert.Equal(all.Where(r => !Touched(windows, MetricsWindows.FloorHour(r.Timestamp))).Select(r => r.LineNumber), kept.Select(r => r.LineNumber));
        Assert.Equal(engine.Summarize(MetricsWindow.Last7Days, windows).SlowOperations, kept.Count);
    }

    [Fact]
    public void HoursTouched_RangeInsideOneHourAndRangeEndingOnTheHour_CountsOnlyTheHoursOverlapped()
    {
        var nine = new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

        var hours = TimeRange.HoursTouched([new(nine.AddMinutes(10), nine.AddMinutes(20)), new(nine.AddHours(2).AddMinutes(30), nine.AddHours(4)), new(nine, nine)]);

        Assert.Equal([nine.UtcTicks, nine.AddHours(2).UtcTicks, nine.AddHours(3).UtcTicks], hours.Order());
    }
}
