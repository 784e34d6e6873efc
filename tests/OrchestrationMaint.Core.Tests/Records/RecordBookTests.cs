using Microsoft.Extensions.Logging.Abstractions;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Tests.Scheduling;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Records;

public sealed class RecordBookTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private readonly TempDirectory _temp = new("om-records");
    private readonly ManualClock _clock = new(Now);
    private TestDatabase _database = null!;
    private RecordBook _book = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string LogPath => _temp.Combine("target", "logs", "maintenance.log");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_temp.Combine("target", "logs"));
        _database = await TestDatabase.MigratedAsync(_temp.Combine("maint.db"));
        var recorder = new MaintenanceRecorder(_database, TestTarget.Location(_temp.Combine("target"), _temp.Path), NullLogger<MaintenanceRecorder>.Instance);
        _book = new RecordBook(_database, recorder, _database.Guard, _clock);
    }

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// 1,000 records over 40 days with many sharing an instant, free text holding % and _ and mixed case:
    /// inserted straight into the table, the way years of runs would have left them.
    /// </summary>
    private async Task<List<MaintenanceRecord>> SeedAsync()
    {
        var random = new Random(11);
        string[] tasks = ["health-check", "log-cleanup", "disk-check", "maintenance-window", "replace-disk-node-14"];
        string[] outcomes = ["succeeded", "failed", "partial", "cancelled", "missed"];
        string[] people = ["scheduler", "operator", "api", "alice"];
        string[] texts = ["", "modules/b.sh not executable", "Disk 91% full", "100% of logs_old removed", "Nothing to do", "DISK warning on node-3"];
        var records = Enumerable.Range(0, 1000).Select(i => new MaintenanceRecord
        {
            // 1,280 instants 45 minutes apart over 40 days for 1,000 records: many share their instant with another.
            At = Now.AddMinutes(-45 * random.Next(0, 40 * 24 * 60 / 45)),
            Task = tasks[random.Next(tasks.Length)],
            Outcome = outcomes[random.Next(outcomes.Length)],
            RequestedBy = people[random.Next(people.Length)],
            Summary = random.Next(3) == 0 ? null : texts[random.Next(texts.Length)],
            Issues = texts[random.Next(texts.Length)],
            Notes = random.Next(5) == 0 ? "swapped fan_2 on rack B" : "",
        }).ToList();
        await using var db = _database.CreateDbContext();
        db.MaintenanceRecords.AddRange(records);
        await db.SaveChangesAsync(Token);
        return records;
    }

    /// <summary>The filter's meaning computed the plain way, over the list in memory.</summary>
    private static List<MaintenanceRecord> Truth(IEnumerable<MaintenanceRecord> records, RecordFilter filter)
    {
        bool Has(string? field) => field is not null && field.Contains(filter.Text!, StringComparison.OrdinalIgnoreCase);
        var zone = filter.Zone ?? TimeZoneInfo.Utc;
        return [.. records
            .Where(r => filter.Text is null || Has(r.Task) || Has(r.Summary) || Has(r.Issues) || Has(r.Notes))
            .Where(r => filter.Task is null || r.Task == filter.Task)
            .Where(r => filter.Outcome is null || r.Outcome == filter.Outcome)
            .Where(r => filter.Person is null || r.RequestedBy == filter.Person)
            .Where(r => filter.From is null || DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.At, zone).DateTime) >= filter.From)
            .Where(r => filter.To is null || DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.At, zone).DateTime) <= filter.To)
            .OrderByDescending(r => r.At).ThenByDescending(r => r.Id)];
    }

    private async Task<List<MaintenanceRecord>> AllPagesAsync(RecordFilter filter, int pageSize)
    {
        var all = new List<MaintenanceRecord>();
        for (var skip = 0; ; skip += pageSize)
        {
            var page = await _book.ListAsync(filter, skip, pageSize, Token);
            Assert.True(page.Records.Count <= pageSize);
            all.AddRange(page.Records);
            if (page.Records.Count < pageSize)
            {
                return all;
            }
        }
    }

    public static TheoryData<string> Filters => ["none", "text", "percent", "underscore", "task+outcome", "person+days", "days-berlin", "days-new-york", "everything", "nothing"];

    private static RecordFilter FilterNamed(string name) => name switch
    {
        "text" => new(Text: "disk"),
        "percent" => new(Text: "100%"),
        "underscore" => new(Text: "fan_2"),
        "task+outcome" => new(Task: "health-check", Outcome: "failed"),
        "person+days" => new(Person: "operator", From: new DateOnly(2026, 11, 1), To: new DateOnly(2026, 11, 14)),
        "days-berlin" => new(From: new DateOnly(2026, 11, 20), To: new DateOnly(2026, 11, 20), Zone: Berlin),
        "days-new-york" => new(From: new DateOnly(2026, 11, 20), To: new DateOnly(2026, 11, 21), Zone: NewYork),
        "everything" => new(Text: "node", Task: "replace-disk-node-14", Outcome: "succeeded", Person: "alice", From: new DateOnly(2026, 10, 1), To: new DateOnly(2026, 12, 1), Zone: Berlin),
        "nothing" => new(Task: "no-such-task"),
        _ => new(),
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task ListAsync_Filter_PagesTogetherEqualIndependentTruthInOrder(string name)
    {
        var records = await SeedAsync();
        var filter = FilterNamed(name);
        var truth = Truth(records, filter);

        var first = await _book.ListAsync(filter, 0, 25, Token);
        var pages = await AllPagesAsync(filter, 25);

        Assert.Equal(truth.Count, first.Total);
        Assert.Equal(truth.Select(r => r.Id), pages.Select(r => r.Id));
        if (name is not ("nothing" or "everything"))
        {
            Assert.NotEmpty(truth);
        }
    }

    [Fact]
    public async Task ListAsync_ManyRecordsAtOneInstant_PagesNeitherRepeatNorSkip()
    {
        await using (var db = _database.CreateDbContext())
        {
            db.MaintenanceRecords.AddRange(Enumerable.Range(0, 60).Select(i => new MaintenanceRecord { At = Now, Task = $"t{i}", Outcome = "succeeded", RequestedBy = "api" }));
            await db.SaveChangesAsync(Token);
        }

        var pages = await AllPagesAsync(new RecordFilter(), 7);

        Assert.Equal(60, pages.Select(r => r.Id).Distinct().Count());
        Assert.Equal(pages.Select(r => r.Id).OrderDescending(), pages.Select(r => r.Id));
    }

    [Fact]
    public async Task ListAsync_DayInBerlin_StartsAtLocalMidnightNotUtc()
    {
        await using (var db = _database.CreateDbContext())
        {
            // 2026-11-20 in Berlin (UTC+1) runs from 2026-11-19T23:00Z to 2026-11-20T23:00Z.
            foreach (var at in new[] { "2026-11-19T22:59:59Z", "2026-11-19T23:00:00Z", "2026-11-20T22:59:59Z", "2026-11-20T23:00:00Z" })
            {
                db.MaintenanceRecords.Add(new MaintenanceRecord { At = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), Task = at, Outcome = "noted", RequestedBy = "operator" });
            }

            await db.SaveChangesAsync(Token);
        }

        var day = new DateOnly(2026, 11, 20);
        var berlin = await _book.ListAsync(new RecordFilter(From: day, To: day, Zone: Berlin), 0, 10, Token);
        var utc = await _book.ListAsync(new RecordFilter(From: day, To: day), 0, 10, Token);

        Assert.Equal(["2026-11-20T22:59:59Z", "2026-11-19T23:00:00Z"], berlin.Records.Select(r => r.Task));
        Assert.Equal(["2026-11-20T23:00:00Z", "2026-11-20T22:59:59Z"], utc.Records.Select(r => r.Task));
    }

    [Fact]
    public async Task FacetsAsync_Records_ListDistinctValuesSorted()
    {
        await SeedAsync();

        var facets = await _book.FacetsAsync(Token);

        Assert.Equal(["disk-check", "health-check", "log-cleanup", "maintenance-window", "replace-disk-node-14"], facets.Tasks);
        Assert.Equal(["alice", "api", "operator", "scheduler"], facets.People);
        Assert.Equal(["cancelled", "failed", "missed", "partial", "succeeded"], facets.Outcomes);
    }

    [Fact]
    public async Task AddManualAsync_ValidDraftAtAnEarlierTime_StoresItAndAppendsItsLine()
    {
        var at = Now.AddHours(-5);

        var (record, errors) = await _book.AddManualAsync(
            new ManualRecordDraft("  replace-disk-node-14 ", "partial", "fan\tnoisy\nstill", "Swapped the disk.\nRAID rebuilt.", at), await _database.OperatorAsync("operator"), Token);

        Assert.Empty(errors);
        var stored = Assert.Single((await _book.ListAsync(new RecordFilter(), 0, 10, Token)).Records);
        Assert.Equal(record!.Id, stored.Id);
        Assert.Equal("replace-disk-node-14", stored.Task);
        Assert.Equal(at, stored.At);
        Assert.Equal(Now, stored.EnteredAt);
        Assert.True(stored.IsManual);
        Assert.Equal("Swapped the disk.\nRAID rebuilt.", stored.Notes);
        Assert.Equal("2026-11-28T07:00:00Z\treplace-disk-node-14\tpartial\tby=operator\tissues=fan noisy still\n", await File.ReadAllTextAsync(LogPath, Token));
    }

    [Fact]
    public async Task AddManualAsync_EveryFieldWrong_StoresNothingAndNamesEachField()
    {
        var (record, errors) = await _book.AddManualAsync(
            new ManualRecordDraft(" ", "excellent", new string('x', 4001), new string('y', 4001), Now.AddHours(2)), await _database.OperatorAsync("operator"), Token);

        Assert.Null(record);
        Assert.Equal(["at", "issues", "notes", "outcome", "task"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("4001 characters", errors["issues"], StringComparison.Ordinal);
        Assert.Contains("future", errors["at"], StringComparison.Ordinal);
        Assert.Equal(0, (await _book.ListAsync(new RecordFilter(), 0, 10, Token)).Total);
        Assert.False(File.Exists(LogPath));
    }

    [Theory]
    [InlineData("two\nlines", "one line")]
    [InlineData("tab\there", "one line")]
    [InlineData("", "Say which task")]
    public void Validate_BadTaskName_SaysWhy(string task, string expected)
    {
        var errors = new ManualRecordDraft(task, "noted", null, null).Validate(Now);

        Assert.Contains(expected, errors["task"], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TaskOf101Characters_AsksToShortenIt()
    {
        var errors = new ManualRecordDraft(new string('a', 101), "noted", null, null).Validate(Now);

        Assert.Contains("keep it to 100", errors["task"], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TimeBefore2000OrAMinuteAhead_BeforeRefusedSlackAllowed()
    {
        Assert.Contains("check the year", new ManualRecordDraft("x", "noted", null, null, new DateTimeOffset(1999, 12, 31, 0, 0, 0, TimeSpan.Zero)).Validate(Now)["at"], StringComparison.Ordinal);
        Assert.Empty(new ManualRecordDraft("x", "noted", null, null, Now.AddSeconds(50)).Validate(Now));
    }
}
