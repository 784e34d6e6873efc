using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrchestrationMaint.Core.Health;

/// <summary>What one check found: a status, one line for the strip, details, and what to do about it.</summary>
public sealed record CheckOutcome(HealthStatus Status, string Message, IReadOnlyList<string>? Details = null, string? Remedy = null)
{
    public static CheckOutcome Healthy(string message, IReadOnlyList<string>? details = null) => new(HealthStatus.Healthy, message, details);

    public static CheckOutcome Degraded(string message, string? remedy, IReadOnlyList<string>? details = null) => new(HealthStatus.Degraded, message, details, remedy);

    public static CheckOutcome Unhealthy(string message, string? remedy, IReadOnlyList<string>? details = null) => new(HealthStatus.Unhealthy, message, details, remedy);
}

public sealed record CheckResult(
    string Key,
    string Title,
    HealthStatus Status,
    string Message,
    IReadOnlyList<string> Details,
    string? Remedy,
    DateTimeOffset CheckedAt,
    TimeSpan Duration);

/// <summary>
/// One health check of the target. Adding a check is one class and one registration line; the
/// runner gives each its own timeout, so a failing or hanging check never blocks the others.
/// </summary>
public interface ITargetCheck
{
    /// <summary>Stable kebab-case key, used by the API, alerts and scripts.</summary>
    string Key { get; }

    string Title { get; }

    TimeSpan Timeout => TimeSpan.FromSeconds(10);

    /// <summary>Judges the live metrics only (no I/O): run again whenever the metrics change, not just once a minute.</summary>
    bool FollowsMetrics => false;

    Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken);
}
