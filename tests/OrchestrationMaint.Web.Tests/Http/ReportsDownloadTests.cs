using System.Net;
using CsvHelper;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Reports;

namespace OrchestrationMaint.Web.Tests.Http;

/// <summary>A report's Markdown and CSV over real HTTP, with operation names and errors written to be hostile.</summary>
public sealed class ReportsDownloadTests : RealHttpTest
{
    private const string Formula = "=HYPERLINK(\"http://evil.example\",\"click\")";
    private const string Markup = "**bold** | [click](http://evil.example) <script>alert(1)</script> _x_ #1";
    private const string FormulaError = "@SUM(1+1) and then +cmd|' /C calc'!A0";

    /// <summary>Appends the hostile records (this hour, so the summary report holds them) and waits until the engine has read them.</summary>
    private async Task<ReportSnapshot> SummaryWithHostileNamesAsync()
    {
        var engine = Service<MetricsEngine>();
        await engine.FirstPollCompleted.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var at = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        string Line(string operation, string status, string seconds, string? error = null) =>
            $"{{\"timestamp\": \"{at}\", \"operation\": {System.Text.Json.JsonSerializer.Serialize(operation)}, \"status\": \"{status}\", \"duration_seconds\": {seconds}{(error is null ? "" : ", \"error\": " + System.Text.Json.JsonSerializer.Serialize(error))}}}\n";
        await File.AppendAllTextAsync(engine.FilePath, Line(Formula, "failure", "12.5", FormulaError) + Line(Markup, "failure", "1.5", Markup) + Line(Markup, "success", "0.5"), Ct);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!engine.Summarize(MetricsWindow.Last24Hours).Operations.Any(o => o.Operation == Markup))
        {
            Assert.True(DateTime.UtcNow < deadline, "the engine did not read the appended lines within 20 s");
            await Task.Delay(100, Ct);
        }

        return await Service<ReportService>().GenerateAsync(ReportKind.Summary, await App.ActorAsync("alice", Role.Operator), Ct);
    }

    private async Task<HttpResponseMessage> DownloadAsync(string url, string mediaType, string fileName)
    {
        var response = await Client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(fileName, response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        return response;
    }

    [Fact]
    public async Task MarkdownDownload_HostileOperationNamesAndErrors_EscapedAndNamedAfterThePeriod()
    {
        var snapshot = await SummaryWithHostileNamesAsync();

        using var response = await DownloadAsync(AppUrls.ReportMarkdown(snapshot.Id), "text/markdown", $"orchestrationmaint-summary-{snapshot.PeriodKey}.md");
        var markdown = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith($"# Summary report {ReportMarkdown.Escape(snapshot.PeriodKey)}", markdown, StringComparison.Ordinal);
        Assert.Contains(@"\*\*bold\*\* \| \[click\]\(http\://evil\.example\) \<script\>alert\(1\)\</script\> \_x\_ \#1", markdown, StringComparison.Ordinal);
        Assert.Contains(ReportMarkdown.Escape(Formula), markdown, StringComparison.Ordinal);
        Assert.Contains(ReportMarkdown.Escape(FormulaError), markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("[click](http", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("**bold**", markdown, StringComparison.Ordinal);
        // Every table row keeps its column count: a '|' in a name never opens a cell.
        foreach (var table in markdown.Split("\n\n").Where(b => b.StartsWith('|')))
        {
            var rows = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var columns = Cells(rows[0]);
            Assert.All(rows, row => Assert.Equal(columns, Cells(row)));
        }

        static int Cells(string row) => System.Text.RegularExpressions.Regex.Count(row, @"(?<!\\)\|");
    }

    [Fact]
    public async Task CsvDownload_HostileOperationNamesAndErrors_FormulaCellsEscapedEveryFigureInItsSection()
    {
        var snapshot = await SummaryWithHostileNamesAsync();

        using var response = await DownloadAsync(AppUrls.ReportCsv(snapshot.Id), "text/csv", $"orchestrationmaint-summary-{snapshot.PeriodKey}.csv");
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        await using var csv = CsvReader.Create(body, null, leaveOpen: false);
        var rows = new List<Dictionary<string, string>>();
        while (await csv.ReadAsync(Ct))
        {
            rows.Add(ReportTable.Columns.ToDictionary(c => c, c => csv.GetString(c)));
        }

        var model = snapshot.Model;
        Assert.Equal(ReportTable.Rows(model).Count(), rows.Count);
        Assert.Contains(rows, r => r["section"] == "operation" && r["name"] == "'" + Formula && r["metric"] == "records" && r["value"] == "1");
        Assert.Contains(rows, r => r["section"] == "operation" && r["name"] == Markup && r["metric"] == "records" && r["value"] == "2");
        Assert.Contains(rows, r => r["section"] == "failures_by_error" && r["name"] == "'" + FormulaError && r["value"] == "1");
        Assert.Contains(rows, r => r["section"] == "slow_by_operation" && r["name"] == "'" + Formula);
        var rate = rows.Single(r => r["section"] == "success" && r["metric"] == "success_rate_percent");
        Assert.Equal(Math.Round(model.Success.Rate!.Value, 4).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture), rate["value"]);
        Assert.Equal("alice", rows.Single(r => r["metric"] == "generated_by")["value"]);
        // No cell anywhere starts a formula.
        Assert.DoesNotContain(rows.SelectMany(r => r.Values), cell => cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal) && !double.TryParse(cell, System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task Downloads_UnknownOrMalformedIdOrNoCredentials_ClearRefusals()
    {
        using var missing = await Client.GetAsync("/api/reports/987654.md", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("There is no report #987654", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var malformed = await Client.GetAsync("/api/reports/latest.csv", Ct);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        using var anonymous = App.CreateRealClient(apiKey: null);
        using var refused = await anonymous.GetAsync("/api/reports/1.md", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
