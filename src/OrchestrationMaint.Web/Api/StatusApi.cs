using Microsoft.AspNetCore.Http.HttpResults;
using OrchestrationMaint.Core.Health;
using OrchestrationMaint.Core.Health.Checks;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Web.Api;

/// <summary>The dashboard's figures as JSON (camelCase), for scripts and other tools. Documented in the README.</summary>
public static class StatusApi
{
    public const int MaxLimit = 1000;

    public sealed record TargetDto(string Root, string Name, bool Reachable, string? Problem);

    public sealed record MetricsDto(string Window, DateTimeOffset? From, long Records, long Successes, long Failures, long Other, double? SuccessRate,
        long SlowOperations, long MalformedLines, DateTimeOffset? LastRecordAt, double SlowThresholdSeconds, double SuccessRateAlertPercent, string FileState, string FileMessage);

    public sealed record CheckDto(string Key, string Title, string Status, string Message, IReadOnlyList<string>? Details, string? Remedy, DateTimeOffset? CheckedAt, double? DurationMs);

    public sealed record DiskDto(double UsedPercent, long FreeBytes, long TotalBytes, long LogsBytes, long BackupsBytes);

    public sealed record StatusDto(TargetDto Target, MetricsDto Metrics, IReadOnlyList<CheckDto> Health, DiskDto? Disk);

    public static void MapStatusApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapGet("/status", GetStatus);
        api.MapGet("/health", (HealthMonitor health) => TypedResults.Ok(health.Results.Select(r => ToDto(r, withDetails: true)).ToList()));
        api.MapGet("/metrics/slow", GetSlow);
        api.MapGet("/metrics/operations", GetOperations);
    }

    private static Results<Ok<StatusDto>, ProblemHttpResult> GetStatus(string? window, TargetStatusMonitor target, MetricsEngine engine, HealthMonitor health, ThresholdService thresholds)
    {
        if (!TryWindow(window, out var parsed, out var problem))
        {
            return problem;
        }

        var status = target.Current;
        var disk = DiskMeasurements.TryMeasure(status.Root) is { } measured
            ? new DiskDto(Math.Round(measured.UsedPercent, 2), measured.FreeBytes, measured.TotalBytes, measured.LogsBytes, measured.BackupsBytes)
            : null;

        return TypedResults.Ok(new StatusDto(
            new TargetDto(status.Root, status.Name, status.IsReachable, status.Problem),
            ToDto(engine.Summarize(parsed), engine, thresholds.Current),
            [.. health.Results.Select(r => ToDto(r, withDetails: false))],
            disk));
    }

    private static Results<Ok<List<KeptRecord>>, ProblemHttpResult> GetSlow(string? window, int? limit, string? operation, MetricsEngine engine)
    {
        if (!TryWindow(window, out var parsed, out var problem))
        {
            return problem;
        }

        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.Problem($"limit must be from 1 to {MaxLimit}.", statusCode: StatusCodes.Status400BadRequest);
        }

        return TypedResults.Ok(engine.SlowOperations(parsed, operation, limit ?? 100).ToList());
    }

    private static Results<Ok<IReadOnlyList<OperationStats>>, ProblemHttpResult> GetOperations(string? window, MetricsEngine engine) =>
        TryWindow(window, out var parsed, out var problem) ? TypedResults.Ok(engine.Summarize(parsed).Operations) : problem;

    private static bool TryWindow(string? key, out MetricsWindow window, out ProblemHttpResult problem)
    {
        problem = TypedResults.Problem($"Unknown window '{key}': use all, 24h, 7d or 30d.", statusCode: StatusCodes.Status400BadRequest);
        return MetricsWindows.TryParse(key, out window);
    }

    private static MetricsDto ToDto(MetricsSummary summary, MetricsEngine engine, Thresholds thresholds) => new(
        summary.Window.ToKey(), summary.From, summary.Records, summary.Successes, summary.Failures, summary.Other,
        summary.SuccessRate is { } rate ? Math.Round(rate, 4) : null, summary.SlowOperations, summary.MalformedLines, summary.LastRecordAt,
        engine.SlowThresholdSeconds, thresholds.SuccessRateAlertPercent, engine.FileStatus.State.ToString(), engine.FileStatus.Message);

    private static CheckDto ToDto(CheckResult result, bool withDetails) => new(
        result.Key, result.Title, result.Status.ToString(), result.Message, withDetails ? result.Details : null, withDetails ? result.Remedy : null,
        result.CheckedAt, Math.Round(result.Duration.TotalMilliseconds, 1));
}
