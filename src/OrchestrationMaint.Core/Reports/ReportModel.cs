using System.Text.Json;
using System.Text.Json.Serialization;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Records.Checklist;

namespace OrchestrationMaint.Core.Reports;

/// <summary>
/// Everything a report shows, computed once and stored as JSON in its <see cref="ReportSnapshot"/>: the history shows
/// exactly what was seen then. Nullable figures are "no data". Times are UTC; <see cref="TimeZone"/> is the calendar
/// the periods follow.
/// </summary>
public sealed record ReportModel(
    ReportKind Kind,
    ReportPeriod Period,
    ReportPeriod Previous,
    string TimeZone,
    DateTimeOffset GeneratedAt,
    string GeneratedBy,
    bool HasMetrics,
    SuccessSection Success,
    SlowSection Slow,
    IReadOnlyList<OperationRow> Operations,
    FailureSection Failures,
    DiskGrowth Disk,
    MaintenanceSection Maintenance,
    IReadOnlyList<ComplianceCount> Checklist,
    IncidentSection Incidents,
    BackupSection Backups,
    ErrorBudget Budget,
    AlertSection? Alerts = null)
{
    /// <summary>"Weekly report 2026-W48".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Title => $"{Kind} report {Period.Key}";
}

/// <param name="Change">Current minus previous rate, in percentage points; null when either has no data.</param>
public sealed record SuccessSection(
    long Records, long Successes, long Failures, long Other, double? Rate,
    long PreviousSuccesses, long PreviousFailures, double? PreviousRate, double? Change,
    double ObjectivePercent, IReadOnlyList<SeriesPoint> Series);

/// <summary>Whether the kept records cover every one of the period: the engine keeps only the newest <see cref="Capacity"/>.</summary>
public sealed record KeptCoverage(int Kept, long Total, int Capacity)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Complete => Kept >= Total;

    /// <summary>"" when complete; otherwise "from the newest 10,000 kept (of 12,345)", or that none of the period's is kept any more.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Note => Complete ? ""
        : Kept == 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"none of the period's {Total:N0} is among the newest {Capacity:N0} kept")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"from the newest {Kept:N0} kept (of {Total:N0})");
}

public sealed record SlowRecord(DateTimeOffset At, string Operation, double DurationSeconds, long LineNumber);

/// <param name="PreviousCount">Null when the previous period's figure is not known (kept records that do not cover it).</param>
public sealed record CountRow(string Name, long Count, long? PreviousCount);

public sealed record SlowSection(double ThresholdSeconds, long Count, long PreviousCount, IReadOnlyList<CountRow> ByOperation,
    IReadOnlyList<SlowRecord> Worst, KeptCoverage Coverage);

/// <param name="Regression">p95 rose by at least <see cref="ReportBuilder.RegressionFactor"/> and by at least <see cref="ReportBuilder.RegressionSeconds"/>.</param>
public sealed record OperationRow(string Operation, long Count, long PreviousCount, long Failures, double? FailurePercent,
    double? P95, double? PreviousP95, bool Regression, long Slow);

public sealed record FailureSection(long Count, long PreviousCount, IReadOnlyList<CountRow> ByOperation, IReadOnlyList<CountRow> ByError, KeptCoverage Coverage);

public sealed record RunCount(string Task, string Outcome, long Count);

public sealed record MaintenanceSection(long Runs, IReadOnlyList<RunCount> RunsByTaskAndOutcome, long Records, long ManualRecords);

/// <param name="Periods">How many periods of the cadence ended inside the report's period.</param>
public sealed record ComplianceCount(ChecklistCadence Cadence, int Periods, int Expected, int Done)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public double? Percent => Expected == 0 ? null : 100.0 * Done / Expected;
}

public sealed record ResolvedIncident(long Id, string Title, string Severity, DateTimeOffset OpenedAt, DateTimeOffset ResolvedAt, double HoursToResolve);

public sealed record IncidentSection(int Opened, int Resolved, int OpenAtEnd, double? MeanHoursToResolve, double? MaxHoursToResolve, IReadOnlyList<ResolvedIncident> ResolvedList);

/// <summary>The alerts that fired in the period (null in reports stored before alerts were reported).</summary>
/// <param name="Expected">Fired inside a maintenance window and never notified.</param>
/// <param name="ByKind">Per kind as people say it, with the previous period's count.</param>
public sealed record AlertSection(int Fired, int PreviousFired, int Expected, int OpenAtEnd, double? MeanHoursToAcknowledge, double? MeanHoursToResolve, IReadOnlyList<CountRow> ByKind);

public sealed record LatestVerification(string Backup, DateTimeOffset At, string Status, string? Message);

public sealed record BackupSection(int Made, int VerifiedOfMade, int CorruptOfMade, DateTimeOffset? NewestAt, LatestVerification? LatestVerification);

public static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Write(ReportModel model) => JsonSerializer.Serialize(model, Options);

    public static ReportModel Read(string json) => JsonSerializer.Deserialize<ReportModel>(json, Options)
        ?? throw new JsonException("The stored report is empty.");
}
