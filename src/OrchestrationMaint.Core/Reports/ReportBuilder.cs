using OrchestrationMaint.Core.Alerts;
using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Records.Checklist;

namespace OrchestrationMaint.Core.Reports;

/// <summary>
/// Computes a report from the metrics engine's per-hour figures (never re-reading the file) and the database, each
/// list sorted in SQL where it comes from SQL.
/// </summary>
public sealed class ReportBuilder(MetricsEngine metrics, ChecklistCalendar calendar, ErrorBudgetService budgets, IDbContextFactory<MaintenanceDbContext> contextFactory)
{
    /// <summary>A p95 regression: at least 20 % slower and at least one second slower than the previous period (both rules: small operations jitter).</summary>
    public const double RegressionFactor = 1.2;

    public const double RegressionSeconds = 1.0;

    private const int ListLimit = 20;

    public async Task<ReportModel> BuildAsync(ReportKind kind, DateTimeOffset now, string generatedBy, CancellationToken cancellationToken)
    {
        var zone = calendar.Zone;
        var (period, previous) = ReportPeriod.At(kind, now, zone);
        var bucket = kind == ReportKind.Summary ? SeriesBucket.Hour : SeriesBucket.Day;
        var current = metrics.Summarize(period.Range, bucket);
        var before = metrics.Summarize(previous.Range, bucket);
        var kept = metrics.Kept(period.Range);
        var keptBefore = metrics.Kept(previous.Range);
        // The budget as it stood at the period's end: October's report shows October's month, even when made on 1 November.
        var budget = kind == ReportKind.Summary ? budgets.At(now) : budgets.At(period.End.AddTicks(-1));

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return new ReportModel(
            kind, period, previous, zone.Id, now, generatedBy, current.Records > 0,
            Success(current, before, budget.ObjectivePercent),
            Slow(current, before, kept),
            Operations(current, before),
            Failures(current, before, kept, keptBefore),
            await DiskAsync(db, period, cancellationToken),
            await MaintenanceAsync(db, period, cancellationToken),
            await ChecklistAsync(db, period, cancellationToken),
            await IncidentsAsync(db, period, cancellationToken),
            await BackupsAsync(db, period, cancellationToken),
            budget,
            await AlertsAsync(db, period, previous, cancellationToken));
    }

    /// <summary>True when <paramref name="p95"/> is a regression from <paramref name="previousP95"/> by the rule above.</summary>
    public static bool IsRegression(double? p95, double? previousP95) =>
        p95 is { } now && previousP95 is { } before && now >= before * RegressionFactor && now - before >= RegressionSeconds;

    private static SuccessSection Success(MetricsSummary current, MetricsSummary before, double objective) =>
        new(current.Records, current.Successes, current.Failures, current.Other, current.SuccessRate,
            before.Successes, before.Failures, before.SuccessRate, current.SuccessRate - before.SuccessRate, objective, current.Series);

    private SlowSection Slow(MetricsSummary current, MetricsSummary before, KeptRecords kept)
    {
        var previous = before.Operations.ToDictionary(o => o.Operation, o => o.Slow, StringComparer.Ordinal);
        var byOperation = current.Operations.Where(o => o.Slow > 0)
            .OrderByDescending(o => o.Slow).ThenBy(o => o.Operation, StringComparer.Ordinal)
            .Select(o => new CountRow(o.Operation, o.Slow, previous.GetValueOrDefault(o.Operation))).Take(ListLimit).ToList();
        var worst = kept.Slow.OrderByDescending(r => r.DurationSeconds).ThenByDescending(r => r.Timestamp).Take(10)
            .Select(r => new SlowRecord(r.Timestamp, r.Operation, r.DurationSeconds, r.LineNumber)).ToList();
        return new SlowSection(metrics.SlowThresholdSeconds, current.SlowOperations, before.SlowOperations, byOperation, worst,
            new KeptCoverage(kept.Slow.Count, current.SlowOperations, kept.Capacity));
    }

    private static List<OperationRow> Operations(MetricsSummary current, MetricsSummary before)
    {
        var previous = before.Operations.ToDictionary(o => o.Operation, StringComparer.Ordinal);
        return [.. current.Operations
            .Select(o =>
            {
                var was = previous.GetValueOrDefault(o.Operation);
                return new OperationRow(o.Operation, o.Count, was?.Count ?? 0, o.Failures, o.FailurePercent, o.P95, was?.P95, IsRegression(o.P95, was?.P95), o.Slow);
            })
            // Regressions first: they are what the reader came for.
            .OrderByDescending(r => r.Regression).ThenByDescending(r => r.Count).ThenBy(r => r.Operation, StringComparer.Ordinal)];
    }

    private static FailureSection Failures(MetricsSummary current, MetricsSummary before, KeptRecords kept, KeptRecords keptBefore)
    {
        var previous = before.Operations.ToDictionary(o => o.Operation, o => o.Failures, StringComparer.Ordinal);
        var byOperation = current.Operations.Where(o => o.Failures > 0)
            .OrderByDescending(o => o.Failures).ThenBy(o => o.Operation, StringComparer.Ordinal)
            .Select(o => new CountRow(o.Operation, o.Failures, previous.GetValueOrDefault(o.Operation))).Take(ListLimit).ToList();
        var previousCoverage = new KeptCoverage(keptBefore.Failures.Count, before.Failures, keptBefore.Capacity);
        var previousErrors = previousCoverage.Complete ? ByError(keptBefore.Failures) : null;
        var byError = ByError(kept.Failures)
            .OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Take(ListLimit)
            .Select(e => new CountRow(e.Key, e.Value, previousErrors is null ? null : previousErrors.GetValueOrDefault(e.Key))).ToList();
        return new FailureSection(current.Failures, before.Failures, byOperation, byError, new KeptCoverage(kept.Failures.Count, current.Failures, kept.Capacity));
    }

    /// <summary>The "error" field as written (cut to 200 characters), or "(no error message)".</summary>
    private static Dictionary<string, long> ByError(IEnumerable<KeptRecord> failures)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var failure in failures)
        {
            var error = failure.Fields.GetValueOrDefault("error") is { Length: > 0 } text ? (text.Length > 200 ? text[..200] + "…" : text) : "(no error message)";
            counts[error] = counts.GetValueOrDefault(error) + 1;
        }

        return counts;
    }

    private static async Task<DiskGrowth> DiskAsync(MaintenanceDbContext db, ReportPeriod period, CancellationToken cancellationToken)
    {
        var samples = await db.DiskSamples.AsNoTracking().Where(s => s.At >= period.Start && s.At < period.End).OrderBy(s => s.At).ToListAsync(cancellationToken);
        return DiskGrowth.Of(samples);
    }

    private static async Task<MaintenanceSection> MaintenanceAsync(MaintenanceDbContext db, ReportPeriod period, CancellationToken cancellationToken)
    {
        var runs = await db.Runs.AsNoTracking()
            .Where(r => r.FinishedAt >= period.Start && r.FinishedAt < period.End)
            .GroupBy(r => new { r.TaskKey, r.State })
            .Select(g => new { g.Key.TaskKey, g.Key.State, Count = g.LongCount() })
            .OrderBy(g => g.TaskKey).ThenBy(g => g.State)
            .ToListAsync(cancellationToken);
        var records = db.MaintenanceRecords.AsNoTracking().Where(r => r.At >= period.Start && r.At < period.End);
        return new MaintenanceSection(
            runs.Sum(r => r.Count),
            [.. runs.Select(r => new RunCount(r.TaskKey, r.State.ToString(), r.Count))],
            await records.LongCountAsync(cancellationToken),
            await records.LongCountAsync(r => r.EnteredAt != null, cancellationToken));
    }

    /// <summary>Per cadence, the checklist periods that ended inside the report's period: how many item-periods were due, how many were done.</summary>
    private async Task<List<ComplianceCount>> ChecklistAsync(MaintenanceDbContext db, ReportPeriod period, CancellationToken cancellationToken)
    {
        var counts = new List<ComplianceCount>();
        foreach (var cadence in Enum.GetValues<ChecklistCadence>())
        {
            var periods = new List<ChecklistPeriod>();
            for (var p = calendar.At(cadence, period.End.AddTicks(-1)); MetricsWindows.FloorHour(calendar.End(p)) > period.Start; p = p.Previous)
            {
                if (MetricsWindows.FloorHour(calendar.End(p)) <= period.End)
                {
                    periods.Add(p);
                }
            }

            if (periods.Count == 0)
            {
                counts.Add(new ComplianceCount(cadence, 0, 0, 0));
                continue;
            }

            var keys = periods.Select(p => p.Key).ToList();
            var firstEnd = calendar.End(periods[^1]);
            var items = await db.ChecklistItems.AsNoTracking()
                .Where(i => i.Cadence == cadence && (i.RetiredAt == null || i.RetiredAt >= firstEnd))
                .OrderBy(i => i.Id).ToListAsync(cancellationToken);
            var ids = items.Select(i => i.Id).ToList();
            var ticked = (await db.ChecklistTicks.AsNoTracking()
                .Where(t => t.UntickedAt == null && ids.Contains(t.ItemId) && keys.Contains(t.PeriodKey))
                .Select(t => new { t.ItemId, t.PeriodKey }).ToListAsync(cancellationToken))
                .Select(t => (t.ItemId, t.PeriodKey)).ToHashSet();
            int expected = 0, done = 0;
            foreach (var item in items)
            {
                foreach (var p in periods)
                {
                    if (ticked.Contains((item.Id, p.Key)))
                    {
                        expected++;
                        done++;
                    }
                    else if (calendar.Tracks(item, p))
                    {
                        expected++;
                    }
                }
            }

            counts.Add(new ComplianceCount(cadence, periods.Count, expected, done));
        }

        return counts;
    }

    private static async Task<IncidentSection> IncidentsAsync(MaintenanceDbContext db, ReportPeriod period, CancellationToken cancellationToken)
    {
        var opened = await db.Incidents.CountAsync(i => i.OpenedAt >= period.Start && i.OpenedAt < period.End, cancellationToken);
        var openAtEnd = await db.Incidents.CountAsync(i => i.OpenedAt < period.End && (i.ResolvedAt == null || i.ResolvedAt >= period.End), cancellationToken);
        var resolved = await db.Incidents.AsNoTracking()
            .Where(i => i.ResolvedAt >= period.Start && i.ResolvedAt < period.End)
            .OrderBy(i => i.ResolvedAt).ThenBy(i => i.Id)
            .Select(i => new { i.Id, i.Title, i.Severity, i.OpenedAt, ResolvedAt = i.ResolvedAt!.Value })
            .ToListAsync(cancellationToken);
        var list = resolved.Select(i => new ResolvedIncident(i.Id, i.Title, i.Severity.ToString(), i.OpenedAt, i.ResolvedAt, (i.ResolvedAt - i.OpenedAt).TotalHours)).ToList();
        return new IncidentSection(opened, list.Count, openAtEnd,
            list.Count == 0 ? null : list.Average(i => i.HoursToResolve),
            list.Count == 0 ? null : list.Max(i => i.HoursToResolve),
            [.. list.Take(50)]);
    }

    private static async Task<AlertSection> AlertsAsync(MaintenanceDbContext db, ReportPeriod period, ReportPeriod previous, CancellationToken cancellationToken)
    {
        var fired = await db.Alerts.AsNoTracking().Where(a => a.FiredAt >= period.Start && a.FiredAt < period.End)
            .Select(a => new { a.Kind, a.FiredAt, a.AcknowledgedAt, a.ResolvedAt, a.Notified }).ToListAsync(cancellationToken);
        var before = await db.Alerts.AsNoTracking().Where(a => a.FiredAt >= previous.Start && a.FiredAt < previous.End)
            .GroupBy(a => a.Kind).Select(g => new { Kind = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var openAtEnd = await db.Alerts.CountAsync(a => a.FiredAt < period.End && (a.ResolvedAt == null || a.ResolvedAt >= period.End), cancellationToken);
        var acknowledged = fired.Where(a => a.AcknowledgedAt is not null).Select(a => (a.AcknowledgedAt!.Value - a.FiredAt).TotalHours).ToList();
        var resolved = fired.Where(a => a.ResolvedAt is not null).Select(a => (a.ResolvedAt!.Value - a.FiredAt).TotalHours).ToList();
        var previousByKind = before.ToDictionary(b => b.Kind, b => (long)b.Count);
        var byKind = fired.GroupBy(a => a.Kind)
            .Select(g => new CountRow(g.Key.Label(), g.Count(), previousByKind.GetValueOrDefault(g.Key)))
            .Concat(previousByKind.Where(p => fired.All(a => a.Kind != p.Key)).Select(p => new CountRow(p.Key.Label(), 0, p.Value)))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        return new AlertSection(fired.Count, before.Sum(b => b.Count), fired.Count(a => !a.Notified), openAtEnd,
            acknowledged.Count == 0 ? null : acknowledged.Average(), resolved.Count == 0 ? null : resolved.Average(), byKind);
    }

    private static async Task<BackupSection> BackupsAsync(MaintenanceDbContext db, ReportPeriod period, CancellationToken cancellationToken)
    {
        var made = await db.Backups.AsNoTracking().Where(b => b.CreatedAt >= period.Start && b.CreatedAt < period.End)
            .GroupBy(b => b.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var newest = await db.Backups.AsNoTracking().Where(b => b.CreatedAt < period.End)
            .OrderByDescending(b => b.CreatedAt).Select(b => (DateTimeOffset?)b.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        var verified = await db.Backups.AsNoTracking().Where(b => b.VerifiedAt != null && b.VerifiedAt < period.End)
            .OrderByDescending(b => b.VerifiedAt).ThenByDescending(b => b.Id)
            .Select(b => new { b.Name, b.VerifiedAt, b.Status, b.VerificationMessage }).FirstOrDefaultAsync(cancellationToken);
        return new BackupSection(
            made.Sum(m => m.Count),
            made.Where(m => m.Status == BackupStatus.Verified).Sum(m => m.Count),
            made.Where(m => m.Status == BackupStatus.Corrupt).Sum(m => m.Count),
            newest,
            verified is null ? null : new LatestVerification(verified.Name, verified.VerifiedAt!.Value, verified.Status.ToString(), verified.VerificationMessage));
    }
}
