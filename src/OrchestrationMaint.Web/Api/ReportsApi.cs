using System.Text;
using CsvHelper;
using OrchestrationMaint.Core.Reports;

namespace OrchestrationMaint.Web.Api;

/// <summary>A stored report as Markdown or CSV, exactly as it was generated (the snapshot's JSON, not today's figures).</summary>
public static class ReportsApi
{
    /// <summary>The same formula-injection escaping as the records export (see <see cref="RecordsApi"/>): operation names and errors are scripts' free text.</summary>
    private static readonly CsvWriterOptions CsvOptions = new()
    {
        Injection = CsvInjection.Escape,
        WriteByteOrderMark = true,
    };

    public static void MapReportsApi(this IEndpointRouteBuilder endpoints)
    {
        // No route constraint on the id: a malformed one gets the same clear 404 as an unknown one (and 401 first when not signed in).
        endpoints.MapGet(AppUrls.ReportMarkdownRoute, async (string id, ReportService reports, CancellationToken cancellationToken) =>
            await FindAsync(id, reports, cancellationToken) is { } snapshot
                ? Results.File(Encoding.UTF8.GetBytes(ReportMarkdown.Render(snapshot.Model)), "text/markdown; charset=utf-8", ReportFormat.FileName(snapshot.Kind, snapshot.PeriodKey, "md"))
                : NotFound(id));
        endpoints.MapGet(AppUrls.ReportCsvRoute, async (string id, ReportService reports, CancellationToken cancellationToken) =>
        {
            if (await FindAsync(id, reports, cancellationToken) is not { } snapshot)
            {
                return NotFound(id);
            }

            using var buffer = new MemoryStream();
            await using (var csv = CsvWriter.Create(buffer, CsvOptions, leaveOpen: true))
            {
                csv.WriteHeader(ReportTable.Columns);
                foreach (var row in ReportTable.Rows(snapshot.Model))
                {
                    foreach (var cell in row)
                    {
                        csv.WriteField(cell);
                    }

                    await csv.EndRecordAsync(cancellationToken);
                }
            }

            return Results.File(buffer.ToArray(), "text/csv; charset=utf-8", ReportFormat.FileName(snapshot.Kind, snapshot.PeriodKey, "csv"));
        });
    }

    private static async Task<ReportSnapshot?> FindAsync(string id, ReportService reports, CancellationToken cancellationToken) =>
        long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? await reports.GetAsync(number, cancellationToken)
            : null;

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"There is no report #{id}: it never existed or the link is mistyped.", statusCode: StatusCodes.Status404NotFound, title: "Report not found");
}
