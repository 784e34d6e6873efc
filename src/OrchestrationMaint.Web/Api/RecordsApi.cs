using System.Globalization;
using CsvHelper;
using OrchestrationMaint.Core.Records;

namespace OrchestrationMaint.Web.Api;

/// <summary>The maintenance records as CSV: what the Records page shows for the same filters, every page of it.</summary>
public static class RecordsApi
{
    public static readonly string[] CsvColumns =
        ["id", "at_utc", "at_local", "task", "outcome", "by", "summary", "issues", "notes", "run_id", "manual", "entered_at_utc"];

    /// <summary>
    /// Formula injection: a cell that starts with = + - @ (or a tab or CR) would be run as a formula
    /// by Excel or LibreOffice when the file is opened, and every text cell here can hold an
    /// operator's or a script's free text. CsvHelper prefixes such a cell with a quote (') and
    /// quotes it, so spreadsheets show it as text; a reader that wants the raw value strips the quote.
    /// A UTF-8 byte-order mark lets Excel see the file as UTF-8.
    /// </summary>
    private static readonly CsvWriterOptions CsvOptions = new()
    {
        Injection = CsvInjection.Escape,
        WriteByteOrderMark = true,
    };

    public sealed record WindowDto(long Id, DateTimeOffset Start, DateTimeOffset End, string Description, string AnnouncedBy, bool Active);

    public sealed record WindowsDto(bool ActiveNow, IReadOnlyList<WindowDto> Windows);

    public static void MapRecordsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(AppUrls.RecordsCsv, ExportCsv);
        // For scripts that should hold off outside a window: the active windows and every one still to come.
        endpoints.MapGet("/api/windows", (MaintenanceWindows windows, TimeProvider clock) =>
        {
            var now = clock.GetUtcNow();
            var current = windows.Windows.Where(w => !w.IsOver(now)).Select(w => new WindowDto(w.Id, w.Start, w.End, w.Description, w.AnnouncedBy, w.IsActive(now))).ToList();
            return TypedResults.Ok(new WindowsDto(current.Any(w => w.Active), current));
        });
    }

    private static IResult ExportCsv(string? q, string? task, string? outcome, string? by, string? from, string? to, string? tz, RecordBook book, TimeProvider clock, HttpContext context)
    {
        if (!RecordQuery.TryParse(q, task, outcome, by, from, to, tz, out var filter, out var errors))
        {
            return TypedResults.ValidationProblem(errors, title: "The export's filters are not valid.");
        }

        var zone = filter.Zone ?? TimeZoneInfo.Utc;
        var name = $"maintenance-records-{clock.GetUtcNow().UtcDateTime:yyyyMMdd-HHmmss}.csv";
        // Streamed as the rows come from SQLite: memory stays flat however many records match.
        return TypedResults.Stream(async body =>
        {
            var cancellationToken = context.RequestAborted;
            await using var csv = CsvWriter.Create(body, CsvOptions, leaveOpen: true);
            csv.WriteHeader(CsvColumns);
            // The response starts now, before the query's first row: the browser shows the download at once.
            await csv.FlushAsync(cancellationToken);
            var rows = 0;
            await foreach (var record in book.StreamAsync(filter, cancellationToken))
            {
                csv.WriteField(record.Id.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(Iso(record.At));
                csv.WriteField(TimeZoneInfo.ConvertTime(record.At, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
                csv.WriteField(record.Task);
                csv.WriteField(record.Outcome);
                csv.WriteField(record.RequestedBy);
                csv.WriteField(record.Summary ?? "");
                csv.WriteField(record.Issues);
                csv.WriteField(record.Notes);
                csv.WriteField(record.RunId?.ToString(CultureInfo.InvariantCulture) ?? "");
                csv.WriteField(record.IsManual ? "yes" : "no");
                csv.WriteField(record.EnteredAt is { } entered ? Iso(entered) : "");
                await csv.EndRecordAsync(cancellationToken);
                if (++rows % 1000 == 0)
                {
                    await csv.FlushAsync(cancellationToken);
                }
            }

            await csv.FlushAsync(cancellationToken);
        }, "text/csv; charset=utf-8", name);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>The Records filters as they appear in a URL (the page's and the export's).</summary>
public static class RecordQuery
{
    /// <returns>False with a sentence per bad parameter: a date that is not yyyy-MM-dd, an unknown time zone.</returns>
    public static bool TryParse(string? q, string? task, string? outcome, string? by, string? from, string? to, string? tz,
        out RecordFilter filter, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var fromDay = ParseDate(from, "from", errors);
        var toDay = ParseDate(to, "to", errors);
        TimeZoneInfo? zone = null;
        if (!string.IsNullOrEmpty(tz) && !TimeZoneInfo.TryFindSystemTimeZoneById(tz, out zone))
        {
            errors["tz"] = [$"'{tz}' is not a time zone this server knows; use an IANA name such as Europe/Berlin, or leave it out for UTC."];
        }

        filter = new RecordFilter(Blank(q), Blank(task), Blank(outcome), Blank(by), fromDay, toDay, zone);
        return errors.Count == 0;
    }

    public static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static DateOnly? ParseDate(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (ParseDate(text) is { } day)
        {
            return day;
        }

        errors[name] = [$"'{text}' is not a date: write it as yyyy-MM-dd."];
        return null;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
