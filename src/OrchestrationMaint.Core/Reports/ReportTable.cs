using System.Globalization;

namespace OrchestrationMaint.Core.Reports;

/// <summary>
/// A report as one table, for the CSV download: one row per figure, the <c>section</c> column saying which part of
/// the report it belongs to, so a spreadsheet filter on it gives each section back. Numbers are invariant
/// (a dot for decimals, no grouping); a figure without data is the text "no data"; times are UTC, ISO 8601.
/// </summary>
public static class ReportTable
{
    public static readonly string[] Columns = ["section", "name", "metric", "value", "previous", "note"];

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IEnumerable<string[]> Rows(ReportModel r)
    {
        var m = r.HasMetrics;
        var hadBefore = r.Success.PreviousRate is not null;
        yield return ["report", "", "kind", ReportFormat.Kind(r.Kind), "", ""];
        yield return ["report", "", "period", r.Period.Key, r.Previous.Key, r.Period.Label];
        yield return ["report", "", "start_utc", Iso(r.Period.Start), Iso(r.Previous.Start), ""];
        yield return ["report", "", "end_utc", Iso(r.Period.End), Iso(r.Previous.End), "excluded"];
        yield return ["report", "", "time_zone", r.TimeZone, "", ""];
        yield return ["report", "", "generated_at_utc", Iso(r.GeneratedAt), "", ""];
        yield return ["report", "", "generated_by", r.GeneratedBy, "", ""];

        var s = r.Success;
        yield return ["success", "all", "success_rate_percent", Number(s.Rate), Number(s.PreviousRate), ""];
        yield return ["success", "all", "change_points", Number(s.Change), "", ""];
        yield return ["success", "all", "successes", Count(s.Successes, m), Count(s.PreviousSuccesses, hadBefore), ""];
        yield return ["success", "all", "failures", Count(s.Failures, m), Count(s.PreviousFailures, hadBefore), ""];
        yield return ["success", "all", "records", Count(s.Records, m), "", ""];
        yield return ["success", "all", "objective_percent", Number(s.ObjectivePercent), "", ""];
        foreach (var point in s.Series)
        {
            yield return ["success_series", Iso(point.Start), "success_rate_percent", Number(point.SuccessRate), "", Count(point.Successes + point.Failures) + " records"];
        }

        yield return ["slow", "all", "count", Count(r.Slow.Count, m), Count(r.Slow.PreviousCount, hadBefore || r.Slow.PreviousCount > 0), $"over {Number(r.Slow.ThresholdSeconds)} s"];
        foreach (var row in r.Slow.ByOperation)
        {
            yield return ["slow_by_operation", row.Name, "count", Count(row.Count), Previous(row.PreviousCount), ""];
        }

        foreach (var slow in r.Slow.Worst)
        {
            yield return ["slow_worst", slow.Operation, "duration_seconds", Number(slow.DurationSeconds), "", $"{Iso(slow.At)} line {slow.LineNumber}"];
        }

        if (!r.Slow.Coverage.Complete)
        {
            yield return ["slow_worst", "", "kept", Count(r.Slow.Coverage.Kept), "", r.Slow.Coverage.Note];
        }

        foreach (var op in r.Operations)
        {
            yield return ["operation", op.Operation, "records", Count(op.Count), Count(op.PreviousCount), ""];
            yield return ["operation", op.Operation, "p95_seconds", Number(op.P95), Number(op.PreviousP95), op.Regression ? "regression" : ""];
            yield return ["operation", op.Operation, "failures", Count(op.Failures), "", ""];
            yield return ["operation", op.Operation, "slow", Count(op.Slow), "", ""];
        }

        yield return ["failures", "all", "count", Count(r.Failures.Count, m), Count(r.Failures.PreviousCount, hadBefore), ""];
        foreach (var row in r.Failures.ByOperation)
        {
            yield return ["failures_by_operation", row.Name, "count", Count(row.Count), Previous(row.PreviousCount), ""];
        }

        foreach (var row in r.Failures.ByError)
        {
            yield return ["failures_by_error", row.Name, "count", Count(row.Count), Previous(row.PreviousCount), r.Failures.Coverage.Note];
        }

        var d = r.Disk;
        yield return ["disk", "", "samples", Count(d.Samples), "", ""];
        yield return ["disk", "", "used_bytes_start", Number(d.FirstUsedBytes), "", d.FirstAt is { } f ? Iso(f) : ""];
        yield return ["disk", "", "used_bytes_end", Number(d.LastUsedBytes), "", d.LastAt is { } l ? Iso(l) : ""];
        yield return ["disk", "", "growth_bytes", Number(d.GrowthBytes), "", ""];
        yield return ["disk", "", "total_bytes", Number(d.TotalBytes), "", ""];
        yield return ["disk", "", "bytes_per_day", Number(d.BytesPerDay), "", ""];
        yield return ["disk", "", "forecast", d.Outlook.ToString(), "", d.FullAt is { } full ? Iso(full) : ""];

        yield return ["maintenance", "all", "runs", Count(r.Maintenance.Runs), "", ""];
        yield return ["maintenance", "all", "records", Count(r.Maintenance.Records), "", ""];
        yield return ["maintenance", "all", "manual_records", Count(r.Maintenance.ManualRecords), "", ""];
        foreach (var run in r.Maintenance.RunsByTaskAndOutcome)
        {
            yield return ["runs", run.Task, run.Outcome.ToLowerInvariant(), Count(run.Count), "", ""];
        }

        foreach (var c in r.Checklist)
        {
            yield return ["checklist", c.Cadence.ToString().ToLowerInvariant(), "done", Count(c.Done), "", $"{c.Periods} period(s)"];
            yield return ["checklist", c.Cadence.ToString().ToLowerInvariant(), "due", Count(c.Expected), "", ""];
            yield return ["checklist", c.Cadence.ToString().ToLowerInvariant(), "compliance_percent", Number(c.Percent), "", ""];
        }

        var i = r.Incidents;
        yield return ["incidents", "all", "opened", Count(i.Opened), "", ""];
        yield return ["incidents", "all", "resolved", Count(i.Resolved), "", ""];
        yield return ["incidents", "all", "open_at_end", Count(i.OpenAtEnd), "", ""];
        yield return ["incidents", "all", "mean_hours_to_resolve", Number(i.MeanHoursToResolve), "", ""];
        yield return ["incidents", "all", "max_hours_to_resolve", Number(i.MaxHoursToResolve), "", ""];
        foreach (var incident in i.ResolvedList)
        {
            yield return ["incident_resolved", $"#{incident.Id} {incident.Title}", "hours_to_resolve", Number(incident.HoursToResolve), "", $"{incident.Severity}, opened {Iso(incident.OpenedAt)}, resolved {Iso(incident.ResolvedAt)}"];
        }

        if (r.Alerts is { } a)
        {
            yield return ["alerts", "all", "fired", Count(a.Fired), Count(a.PreviousFired), $"{a.Expected} expected in a maintenance window"];
            yield return ["alerts", "all", "open_at_end", Count(a.OpenAtEnd), "", ""];
            yield return ["alerts", "all", "mean_hours_to_acknowledge", Number(a.MeanHoursToAcknowledge), "", ""];
            yield return ["alerts", "all", "mean_hours_to_resolve", Number(a.MeanHoursToResolve), "", ""];
            foreach (var kind in a.ByKind)
            {
                yield return ["alerts_by_kind", kind.Name, "fired", Count(kind.Count), kind.PreviousCount is { } p ? Count(p) : "", ""];
            }
        }

        var b = r.Backups;
        yield return ["backups", "all", "made", Count(b.Made), "", ""];
        yield return ["backups", "all", "verified_of_made", Count(b.VerifiedOfMade), "", ""];
        yield return ["backups", "all", "corrupt_of_made", Count(b.CorruptOfMade), "", ""];
        yield return ["backups", "all", "newest_at_utc", b.NewestAt is { } n ? Iso(n) : "none", "", ""];
        yield return ["backups", b.LatestVerification?.Backup ?? "", "latest_verification", b.LatestVerification?.Status ?? "none",
            "", b.LatestVerification is { } v ? $"{Iso(v.At)} {v.Message}".TrimEnd() : ""];

        var e = r.Budget;
        yield return ["error_budget", e.Month, "objective_percent", Number(e.ObjectivePercent), "", $"as of {Iso(e.At)}"];
        yield return ["error_budget", e.Month, "allowed_failures", Number(e.AllowedFailures), "", ""];
        yield return ["error_budget", e.Month, "failures", Count(e.Failures, e.HasData), "", ""];
        yield return ["error_budget", e.Month, "spent_percent", Number(e.SpentPercent), "", ""];
        yield return ["error_budget", e.Month, "remaining_failures", Number(e.RemainingFailures), "", ""];
        yield return ["error_budget", e.Month, "burn_rate_1h", Number(e.Burn1h.Rate), "", ""];
        yield return ["error_budget", e.Month, "burn_rate_6h", Number(e.Burn6h.Rate), "", ""];
        yield return ["error_budget", e.Month, "outlook", e.Outlook.ToString(), "", e.ExhaustsAt is { } x ? Iso(x) : ""];
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Invariant);

    private static string Number(double? value) => value is { } v ? Math.Round(v, 4).ToString("0.####", Invariant) : ReportFormat.NoData;

    private static string Number(long? value) => value is { } v ? v.ToString(Invariant) : ReportFormat.NoData;

    private static string Count(long value, bool hasData = true) => hasData ? value.ToString(Invariant) : ReportFormat.NoData;

    private static string Previous(long? value) => value is { } v ? v.ToString(Invariant) : ReportFormat.NoData;
}
