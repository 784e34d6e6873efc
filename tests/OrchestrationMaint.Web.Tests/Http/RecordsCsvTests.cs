using System.Diagnostics;
using System.Net;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web.Api;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>The records' CSV export over real HTTP, read back with CsvHelper.</summary>
public sealed class RecordsCsvTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly TestApp _app = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });
    private HttpClient _client = default!;

    public ValueTask InitializeAsync()
    {
        _client = _app.CreateRealClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private T Service<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>Every row of the CSV at <paramref name="path"/>, by column name, in file order.</summary>
    private async Task<List<Dictionary<string, string>>> GetCsvAsync(string path)
    {
        using var response = await _client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        await using var csv = CsvReader.Create(body, null, leaveOpen: false);
        var rows = new List<Dictionary<string, string>>();
        while (await csv.ReadAsync(Ct))
        {
            rows.Add(RecordsApi.CsvColumns.ToDictionary(c => c, c => csv.GetString(c)));
        }

        return rows;
    }

    /// <summary>Reads the whole unfiltered export as it streams in: the number of rows and the last row's summary.</summary>
    private async Task<(int Rows, string? LastSummary)> ExportAllAsync(string label)
    {
        var watch = Stopwatch.StartNew();
        using var response = await _client.GetAsync("/api/records.csv", HttpCompletionOption.ResponseHeadersRead, Ct);
        var headersAfter = watch.Elapsed;
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(response.Headers.TransferEncodingChunked);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        await using var csv = CsvReader.Create(body, null, leaveOpen: false);
        var rows = 0;
        string? last = null;
        while (await csv.ReadAsync(Ct))
        {
            rows++;
            last = csv.GetString("summary");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"CSV of {rows} records ({label}): headers after {headersAfter.TotalMilliseconds:0} ms, all after {watch.ElapsedMilliseconds} ms");
        return (rows, last);
    }

    /// <summary>What a spreadsheet must see: text that could start a formula gets a leading quote.</summary>
    private static string Protected(string value) => value.Length > 0 && "=+-@\t\r".Contains(value[0]) ? "'" + value : value;

    [Fact]
    public async Task Export_AwkwardText_ReadsBackExactlyWithFormulasDefused()
    {
        var recorder = Service<MaintenanceRecorder>();
        var at = new DateTimeOffset(2026, 11, 20, 23, 30, 0, TimeSpan.Zero);
        MaintenanceRecord[] records =
        [
            new() { At = at, Task = "=HYPERLINK(\"http://evil.example\",\"click\")", Outcome = "succeeded", RequestedBy = "@admin",
                Summary = "He said \"hi\", then left, twice", Issues = "line one\nline two\r\nline three", Notes = "Überprüfung ✓ 日本語 🚀", EnteredAt = at },
            new() { At = at.AddMinutes(1), Task = "csv-probe", Outcome = "-1", RequestedBy = "+operator", Summary = "+SUM(A1:A9)", Issues = "-2+3",
                Notes = "\tcmd|' /C calc'!A0", RunId = 42 },
            new() { At = at.AddMinutes(2), Task = "csv-probe", Outcome = "failed", RequestedBy = "operator", Summary = null, Issues = "a,b;c\td", Notes = "" },
        ];
        foreach (var record in records)
        {
            await recorder.RecordAsync(record, Ct);
        }

        var rows = (await GetCsvAsync("/api/records.csv?tz=Europe/Berlin")).ToDictionary(r => r["id"]);

        foreach (var record in records)
        {
            var row = rows[record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            Assert.Equal(Protected(record.Task), row["task"]);
            Assert.Equal(Protected(record.Outcome), row["outcome"]);
            Assert.Equal(Protected(record.RequestedBy), row["by"]);
            Assert.Equal(Protected(record.Summary ?? ""), row["summary"]);
            Assert.Equal(Protected(record.Issues), row["issues"]);
            Assert.Equal(Protected(record.Notes), row["notes"]);
            Assert.Equal(record.RunId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", row["run_id"]);
            Assert.Equal(record.IsManual ? "yes" : "no", row["manual"]);
        }

        var first = rows[records[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        Assert.Equal("2026-11-20T23:30:00Z", first["at_utc"]);
        Assert.Equal("2026-11-21T00:30:00+01:00", first["at_local"]);
        Assert.Equal("2026-11-20T23:30:00Z", first["entered_at_utc"]);
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"click\")", first["task"]);
        Assert.Equal("line one\nline two\r\nline three", first["issues"]);
    }

    [Fact]
    public async Task Export_Filters_SameRecordsInTheSameOrderAsThePage()
    {
        var book = Service<RecordBook>();
        foreach (var (task, outcome, hoursAgo) in new[] { ("health-check", "succeeded", 1), ("health-check", "failed", 30), ("log-cleanup", "failed", 2), ("health-check", "failed", 3) })
        {
            var (record, errors) = await book.AddManualAsync(new ManualRecordDraft(task, outcome, "disk 91%", null, DateTimeOffset.UtcNow.AddHours(-hoursAgo)), await _app.ActorAsync("operator"), Ct);
            Assert.Empty(errors);
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var filter = new RecordFilter(Text: "91%", Task: "health-check", Outcome: "failed", Person: "operator", From: today.AddDays(-1), To: today, Zone: TimeZoneInfo.Utc);

        var rows = await GetCsvAsync(AppUrls.RecordsCsvFiltered(filter));
        var page = await book.ListAsync(filter, 0, 100, Ct);

        Assert.Equal(page.Records.Select(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Select(r => r["id"]));
        Assert.InRange(rows.Count, 1, 2);
        Assert.All(rows, r => Assert.Equal("failed", r["outcome"]));
    }

    [Fact]
    public async Task Windows_ActiveAndUpcoming_ListedWithWhetherOneIsActiveNow()
    {
        var windows = Service<MaintenanceWindows>();
        var now = DateTimeOffset.UtcNow;
        Assert.False(System.Text.Json.JsonDocument.Parse(await _client.GetStringAsync("/api/windows", Ct)).RootElement.GetProperty("activeNow").GetBoolean());
        var later = await windows.AnnounceAsync(new WindowDraft(now.AddDays(3), now.AddDays(3).AddHours(2), "Quarterly review"), await _app.ActorAsync("alice"), Ct);
        var active = await windows.AnnounceAsync(new WindowDraft(now.AddMinutes(-5), now.AddHours(1), "Upgrade \"git\""), await _app.ActorAsync("bob"), Ct);

        var json = System.Text.Json.JsonDocument.Parse(await _client.GetStringAsync("/api/windows", Ct)).RootElement;

        Assert.True(json.GetProperty("activeNow").GetBoolean());
        var listed = json.GetProperty("windows").EnumerateArray().ToList();
        Assert.Equal([active.Window!.Id, later.Window!.Id], listed.Select(w => w.GetProperty("id").GetInt64()));
        Assert.Equal([true, false], listed.Select(w => w.GetProperty("active").GetBoolean()));
        Assert.Equal("Upgrade \"git\"", listed[0].GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("from=28.11.2026", "from", "is not a date")]
    [InlineData("to=2026-13-01", "to", "is not a date")]
    [InlineData("tz=Mars/Olympus", "tz", "not a time zone")]
    public async Task Export_BadFilter_400NamingTheParameter(string query, string parameter, string message)
    {
        using var response = await _client.GetAsync($"/api/records.csv?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains($"\"{parameter}\"", body, StringComparison.Ordinal);
        Assert.Contains(message, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_50000Records_StreamedInChunksAndAllThere()
    {
        const int count = 50_000;
        await using (var db = await Service<IDbContextFactory<MaintenanceDbContext>>().CreateDbContextAsync(Ct))
        {
            // One statement instead of 50,000 entities: the table as years of runs leave it.
            var ticks = DateTimeOffset.UtcNow.AddDays(-400).UtcTicks;
            await db.Database.ExecuteSqlAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
                INSERT INTO MaintenanceRecords (At, Task, Outcome, RequestedBy, Issues, Summary, Notes)
                SELECT {ticks} + i * 6000000000, 'bulk-' || (i % 7), 'succeeded', 'scheduler', 'issue, "quoted" ' || i, 'run ' || i, ''
                FROM n
                """, Ct);
        }

        var total = (await Service<RecordBook>().ListAsync(new RecordFilter(), 0, 1, Ct)).Total;
        Assert.True(total >= count);
        foreach (var label in new[] { "first request", "second request" })
        {
            var (rows, last) = await ExportAllAsync(label);

            Assert.Equal(total, rows);
            // Newest first: the oldest bulk record comes last.
            Assert.Equal("run 1", last);
        }
    }
}
