using System.Globalization;
using System.Text;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Reports;

/// <summary>How report figures read, the same in the page, the Markdown and the CSV: "no data" wherever a figure is missing.</summary>
public static class ReportFormat
{
    public const string NoData = "no data";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Percent(double? value) => value is { } v ? v.ToString("0.0", Invariant) + " %" : NoData;

    /// <summary>A change in percentage points: "+1.2 pts", "−0.4 pts", "±0.0 pts".</summary>
    public static string Points(double? change) => change switch
    {
        null => NoData,
        > 0.05 => "+" + change.Value.ToString("0.0", Invariant) + " pts",
        < -0.05 => "−" + (-change.Value).ToString("0.0", Invariant) + " pts",
        _ => "±0.0 pts",
    };

    public static string Seconds(double? seconds) => seconds is { } s ? s.ToString(s < 10 ? "0.00" : "0.0", Invariant) + " s" : NoData;

    public static string Hours(double? hours) => hours switch
    {
        null => NoData,
        < 1 => (hours.Value * 60).ToString("0", Invariant) + " min",
        < 48 => hours.Value.ToString("0.0", Invariant) + " h",
        _ => (hours.Value / 24).ToString("0.0", Invariant) + " days",
    };

    /// <summary>A count that only means something when the period has records: "no data" otherwise, never a misleading 0.</summary>
    public static string Count(long count, bool hasData = true) => hasData ? count.ToString("N0", Invariant) : NoData;

    public static string Bytes(long? bytes) => bytes is { } b ? (b < 0 ? "−" + TargetInspector.FormatSize(-b) : TargetInspector.FormatSize(b)) : NoData;

    public static string SignedBytes(long? bytes) => bytes is > 0 ? "+" + Bytes(bytes) : Bytes(bytes);

    public static string Burn(double? rate) => rate is { } r ? r.ToString(r < 10 ? "0.00" : "0.0", Invariant) + "×" : NoData;

    /// <summary>A time in the report's zone: "2026-11-23 00:00".</summary>
    public static string Time(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", Invariant);

    public static TimeZoneInfo Zone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    public static string Outlook(ErrorBudget budget, TimeZoneInfo zone) => budget.Outlook switch
    {
        BudgetOutlook.NoData => NoData,
        BudgetOutlook.Exhausted => "exhausted",
        BudgetOutlook.RunsOut => "runs out " + Time(budget.ExhaustsAt!.Value, zone) + (budget.ExhaustsAt > budget.MonthEnd ? " (after this month ends)" : ""),
        _ => "not at this rate",
    };

    public static string Disk(DiskGrowth disk, TimeZoneInfo zone) => disk.Outlook switch
    {
        DiskOutlook.NoData => NoData,
        DiskOutlook.NotEnoughSamples => "not enough samples",
        DiskOutlook.NotGrowing => "not growing",
        DiskOutlook.Full => "full",
        _ => "full around " + Time(disk.FullAt!.Value, zone),
    };

    public static string Kind(ReportKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The download's name: orchestrationmaint-weekly-2026-W48.md.</summary>
    public static string FileName(ReportKind kind, string periodKey, string extension) =>
        $"orchestrationmaint-{Kind(kind)}-{new string([.. periodKey.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-')])}.{extension}";
}

/// <summary>
/// A report as Markdown. Every piece of free text (operation names, error messages, incident titles, people) is
/// escaped, so a name like <c>**x** | [y](z)</c> is shown as written and never becomes formatting, a link or a table cell.
/// </summary>
public static class ReportMarkdown
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\r' or '\n' or '\t':
                    builder.Append(' ');
                    break;
                // CommonMark's escapable punctuation that can start formatting, a link, an autolink (GFM: www., http:, a@b), HTML or a table cell.
                case '\\' or '`' or '*' or '_' or '{' or '}' or '[' or ']' or '(' or ')' or '#' or '+' or '-' or '.' or '!' or '|' or '<' or '>' or '~' or '&' or ':' or '@':
                    builder.Append('\\').Append(c);
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    public static string Render(ReportModel report)
    {
        var zone = ReportFormat.Zone(report.TimeZone);
        var md = new StringBuilder();
        var m = report.HasMetrics;
        md.AppendLine(Invariant, $"# {Escape(report.Title)}").AppendLine();
        md.AppendLine(Invariant, $"**Period:** {Escape(report.Period.Label)} ({Escape(report.TimeZone)}), {(ReportFormat.Time(report.Period.Start, zone))} to {(ReportFormat.Time(report.Period.End, zone))}  ");
        md.AppendLine(Invariant, $"**Compared with:** {Escape(report.Previous.Label)}  ");
        md.AppendLine(Invariant, $"**Generated:** {(ReportFormat.Time(report.GeneratedAt, zone))} by {Escape(report.GeneratedBy)}").AppendLine();

        var s = report.Success;
        md.AppendLine("## Success rate").AppendLine();
        Table(md, ["", "This period", "Previous", "Change"],
        [
            ["Success rate", ReportFormat.Percent(s.Rate), ReportFormat.Percent(s.PreviousRate), ReportFormat.Points(s.Change)],
            ["Successes", ReportFormat.Count(s.Successes, m), ReportFormat.Count(s.PreviousSuccesses, s.PreviousRate is not null), ""],
            ["Failures", ReportFormat.Count(s.Failures, m), ReportFormat.Count(s.PreviousFailures, s.PreviousRate is not null), ""],
            ["Records", ReportFormat.Count(s.Records, m), "", ""],
        ]);
        md.AppendLine(Invariant, $"Objective: {(ReportFormat.Percent(s.ObjectivePercent))}.").AppendLine();

        var slow = report.Slow;
        md.AppendLine(Invariant, $"## Slow operations (over {(ReportFormat.Seconds(slow.ThresholdSeconds))})").AppendLine();
        md.AppendLine(Invariant, $"{(ReportFormat.Count(slow.Count, m))} this period, {(ReportFormat.Count(slow.PreviousCount, s.PreviousRate is not null || slow.PreviousCount > 0))} the period before.").AppendLine();
        if (slow.ByOperation.Count > 0)
        {
            Table(md, ["Operation", "Slow", "Previous"], [.. slow.ByOperation.Select(r => new[] { Escape(r.Name), ReportFormat.Count(r.Count), r.PreviousCount is { } p ? ReportFormat.Count(p) : ReportFormat.NoData })]);
        }

        if (slow.Worst.Count == 0 && !slow.Coverage.Complete)
        {
            md.AppendLine(Invariant, $"Worst offenders: {Escape(slow.Coverage.Note)}.").AppendLine();
        }
        else if (slow.Worst.Count > 0)
        {
            md.AppendLine(Invariant, $"Worst offenders{Coverage(slow.Coverage)}:").AppendLine();
            Table(md, ["Time", "Operation", "Duration"], [.. slow.Worst.Select(r => new[] { (ReportFormat.Time(r.At, zone)), Escape(r.Operation), (ReportFormat.Seconds(r.DurationSeconds)) })]);
        }

        md.AppendLine("## Operations: p95 now and before").AppendLine();
        if (report.Operations.Count == 0)
        {
            md.AppendLine(ReportFormat.NoData).AppendLine();
        }
        else
        {
            Table(md, ["Operation", "Records", "p95", "Previous p95", "Failures", "Regression"],
                [.. report.Operations.Select(o => new[]
                {
                    Escape(o.Operation), ReportFormat.Count(o.Count), (ReportFormat.Seconds(o.P95)), (ReportFormat.Seconds(o.PreviousP95)),
                    (ReportFormat.Count(o.Failures)) + (o.FailurePercent is { } f ? Escape($" ({ReportFormat.Percent(f)})") : ""),
                    o.Regression ? "**regression**" : "",
                })]);
            md.AppendLine(Invariant, $"A regression is a p95 at least {((ReportBuilder.RegressionFactor * 100 - 100).ToString("0", System.Globalization.CultureInfo.InvariantCulture))} % and at least {(ReportFormat.Seconds(ReportBuilder.RegressionSeconds))} above the previous period's.").AppendLine();
        }

        var failures = report.Failures;
        md.AppendLine("## Failures").AppendLine();
        md.AppendLine(Invariant, $"{(ReportFormat.Count(failures.Count, m))} this period, {(ReportFormat.Count(failures.PreviousCount, s.PreviousRate is not null))} the period before.").AppendLine();
        if (failures.ByOperation.Count > 0)
        {
            Table(md, ["Operation", "Failures", "Previous"], [.. failures.ByOperation.Select(r => new[] { Escape(r.Name), ReportFormat.Count(r.Count), r.PreviousCount is { } p ? ReportFormat.Count(p) : ReportFormat.NoData })]);
        }

        if (failures.ByError.Count == 0 && !failures.Coverage.Complete)
        {
            md.AppendLine(Invariant, $"By error: {Escape(failures.Coverage.Note)}.").AppendLine();
        }
        else if (failures.ByError.Count > 0)
        {
            md.AppendLine(Invariant, $"By error{Coverage(failures.Coverage)}:").AppendLine();
            Table(md, ["Error", "Failures", "Previous"], [.. failures.ByError.Select(r => new[] { Escape(r.Name), ReportFormat.Count(r.Count), r.PreviousCount is { } p ? ReportFormat.Count(p) : ReportFormat.NoData })]);
        }

        var disk = report.Disk;
        md.AppendLine("## Disk").AppendLine();
        Table(md, ["", ""],
        [
            ["Used at the start", (ReportFormat.Bytes(disk.FirstUsedBytes))],
            ["Used at the end", (ReportFormat.Bytes(disk.LastUsedBytes))],
            ["Growth", (ReportFormat.SignedBytes(disk.GrowthBytes))],
            ["File system size", (ReportFormat.Bytes(disk.TotalBytes))],
            ["Forecast", (ReportFormat.Disk(disk, zone))],
            ["Samples", ReportFormat.Count(disk.Samples)],
        ]);

        var maintenance = report.Maintenance;
        md.AppendLine("## Maintenance activity").AppendLine();
        md.AppendLine(Invariant, $"{ReportFormat.Count(maintenance.Runs)} runs finished, {ReportFormat.Count(maintenance.Records)} maintenance records ({ReportFormat.Count(maintenance.ManualRecords)} entered by hand).").AppendLine();
        if (maintenance.RunsByTaskAndOutcome.Count > 0)
        {
            Table(md, ["Task", "Outcome", "Runs"], [.. maintenance.RunsByTaskAndOutcome.Select(r => new[] { Escape(r.Task), Escape(r.Outcome), ReportFormat.Count(r.Count) })]);
        }

        md.AppendLine("## Checklist compliance").AppendLine();
        Table(md, ["Cadence", "Periods", "Done", "Due", "Compliance"],
            [.. report.Checklist.Select(c => new[] { c.Cadence.ToString(), ReportFormat.Count(c.Periods), ReportFormat.Count(c.Done), ReportFormat.Count(c.Expected), (ReportFormat.Percent(c.Percent)) })]);

        var incidents = report.Incidents;
        md.AppendLine("## Incidents").AppendLine();
        md.AppendLine(Invariant, $"{incidents.Opened} opened, {incidents.Resolved} resolved, {incidents.OpenAtEnd} open at the end of the period. Time to resolve: mean {(ReportFormat.Hours(incidents.MeanHoursToResolve))}, longest {(ReportFormat.Hours(incidents.MaxHoursToResolve))}.").AppendLine();
        if (incidents.ResolvedList.Count > 0)
        {
            Table(md, ["Incident", "Severity", "Opened", "Resolved", "Time to resolve"],
                [.. incidents.ResolvedList.Select(i => new[] { Escape($"#{i.Id} {i.Title}"), Escape(i.Severity), (ReportFormat.Time(i.OpenedAt, zone)), (ReportFormat.Time(i.ResolvedAt, zone)), (ReportFormat.Hours(i.HoursToResolve)) })]);
        }

        if (report.Alerts is { } alerts)
        {
            md.AppendLine("## Alerts").AppendLine();
            md.AppendLine(Invariant, $"{alerts.Fired} fired (previous period {alerts.PreviousFired}), {alerts.Expected} of them expected in a maintenance window, {alerts.OpenAtEnd} open at the end of the period. Time to acknowledge: mean {ReportFormat.Hours(alerts.MeanHoursToAcknowledge)}; time to resolve: mean {ReportFormat.Hours(alerts.MeanHoursToResolve)}.").AppendLine();
            if (alerts.ByKind.Count > 0)
            {
                Table(md, ["Kind", "Fired", "Previous"], [.. alerts.ByKind.Select(k => new[] { Escape(k.Name), ReportFormat.Count(k.Count), k.PreviousCount is { } p ? ReportFormat.Count(p) : ReportFormat.NoData })]);
            }
        }

        var backups = report.Backups;
        md.AppendLine("## Backups").AppendLine();
        md.AppendLine(Invariant, $"{backups.Made} made ({backups.VerifiedOfMade} verified, {backups.CorruptOfMade} corrupt); newest {Escape(backups.NewestAt is { } n ? ReportFormat.Time(n, zone) : "none")}.  ");
        md.AppendLine(backups.LatestVerification is { } v
            ? $"Latest verification: {Escape(v.Backup)}, {Escape(v.Status)}, {(ReportFormat.Time(v.At, zone))}{(string.IsNullOrEmpty(v.Message) ? "" : ": " + Escape(v.Message))}."
            : "Latest verification: none.").AppendLine();

        var budget = report.Budget;
        md.AppendLine(Invariant, $"## Error budget, {Escape(budget.Month)} (as of {(ReportFormat.Time(budget.At, zone))})").AppendLine();
        Table(md, ["", ""],
        [
            ["Objective", (ReportFormat.Percent(budget.ObjectivePercent))],
            ["Allowed failures so far", budget.AllowedFailures is { } a ? Escape(a.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)) : ReportFormat.NoData],
            ["Failures", ReportFormat.Count(budget.Failures, budget.HasData)],
            ["Spent", Escape(budget.Outlook == BudgetOutlook.Exhausted && budget.SpentPercent is null ? "all" : ReportFormat.Percent(budget.SpentPercent))],
            ["Remaining", budget.RemainingFailures is { } r ? Escape(Math.Max(0, r).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)) + " failures" : ReportFormat.NoData],
            ["Burn rate, 1 h", (ReportFormat.Burn(budget.Burn1h.Rate))],
            ["Burn rate, 6 h", (ReportFormat.Burn(budget.Burn6h.Rate))],
            ["Exhaustion at the 6 h rate", (ReportFormat.Outlook(budget, zone))],
        ]);
        return md.ToString();
    }

    private static string Coverage(KeptCoverage coverage) => coverage.Complete ? "" : " (" + Escape(coverage.Note) + ")";

    /// <param name="rows">Cells already escaped (or fixed text).</param>
    private static void Table(StringBuilder md, string[] header, IReadOnlyList<string[]> rows)
    {
        md.Append("| ").AppendJoin(" | ", header.Select(h => h.Length == 0 ? " " : h)).AppendLine(" |");
        md.Append('|').AppendJoin("|", header.Select(_ => " --- ")).AppendLine("|");
        foreach (var row in rows)
        {
            md.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        md.AppendLine();
    }
}
