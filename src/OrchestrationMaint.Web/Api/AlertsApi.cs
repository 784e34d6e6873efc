using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Web.Auth;

namespace OrchestrationMaint.Web.Api;

/// <summary>Alerts over HTTP, for scripts and other dashboards: list, one with its timeline, acknowledge. Documented in the README.</summary>
public static class AlertsApi
{
    public sealed record AlertEventDto(DateTimeOffset At, string Kind, string By, string Note);

    public sealed record AlertDto(long Id, string Key, string Kind, string Level, string State, string Title, string Message, DateTimeOffset ConditionSince,
        DateTimeOffset FiredAt, DateTimeOffset LastSeenAt, DateTimeOffset? ResolvedAt, string? ExpectedBecause, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt,
        string? AcknowledgeNote, int EscalationLevel, string Url, IReadOnlyList<AlertEventDto>? Events);

    public sealed record AlertListDto(int Total, int Page, int PageSize, IReadOnlyList<AlertDto> Alerts);

    public sealed record AcknowledgeDto(string? Note);

    public static void MapAlertsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(AppUrls.AlertsApi);
        api.MapGet("", ListAsync);
        api.MapGet("/{id:long}", GetAsync);
        api.MapPost("/{id:long}/acknowledge", AcknowledgeAsync).RequireJsonContent();
    }

    /// <param name="status">open (default), firing, acknowledged, resolved or all.</param>
    private static async Task<Results<Ok<AlertListDto>, ValidationProblem>> ListAsync(AlertQueries queries, string? status, string? kind, string? level, string? q, int? page, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var parsedStatus = AlertStatusFilter.Open;
        if (status is not null && !Enum.TryParse(status, ignoreCase: true, out parsedStatus))
        {
            errors["status"] = ["Use open, firing, acknowledged, resolved or all."];
        }

        AlertKind? parsedKind = null;
        if (kind is not null)
        {
            parsedKind = Enum.TryParse<AlertKind>(kind, ignoreCase: true, out var k) ? k : null;
            if (parsedKind is null)
            {
                errors["kind"] = [$"Use one of {string.Join(", ", Enum.GetNames<AlertKind>())}."];
            }
        }

        AlertLevel? parsedLevel = null;
        if (level is not null)
        {
            parsedLevel = Enum.TryParse<AlertLevel>(level, ignoreCase: true, out var l) ? l : null;
            if (parsedLevel is null)
            {
                errors["level"] = ["Use Critical or Warning."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var filter = new AlertFilter(parsedStatus, parsedKind, parsedLevel, q, Math.Max(1, page ?? 1));
        var result = await queries.ListAsync(filter, cancellationToken);
        return TypedResults.Ok(new AlertListDto(result.Total, filter.Page, result.PageSize, [.. result.Items.Select(a => ToDto(a, withEvents: false))]));
    }

    private static async Task<Results<Ok<AlertDto>, NotFound<ProblemDetails>>> GetAsync(long id, AlertQueries queries, CancellationToken cancellationToken) =>
        await queries.DetailAsync(id, cancellationToken) is { } alert ? TypedResults.Ok(ToDto(alert, withEvents: true)) : NotFound(id);

    private static async Task<Results<Ok<AlertDto>, NotFound<ProblemDetails>, Conflict<ProblemDetails>, ValidationProblem>> AcknowledgeAsync(
        long id, AcknowledgeDto? body, HttpContext context, AlertEngine engine, AlertQueries queries, CancellationToken cancellationToken)
    {
        // A Viewer's key is refused by the engine itself (AccessDeniedException, answered 403 by the auth middleware).
        var result = await engine.AcknowledgeAsync(id, body?.Note, ActorClaims.ToActor(context), cancellationToken);
        if (await queries.DetailAsync(id, cancellationToken) is not { } alert)
        {
            return NotFound(id);
        }

        if (!result.Done)
        {
            return alert.State == AlertState.Firing
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["note"] = [result.Error!] })
                : TypedResults.Conflict(new ProblemDetails { Title = result.Error });
        }

        return TypedResults.Ok(ToDto(alert, withEvents: true));
    }

    private static NotFound<ProblemDetails> NotFound(long id) =>
        TypedResults.NotFound(new ProblemDetails { Title = $"There is no alert {id}." });

    private static AlertDto ToDto(Alert alert, bool withEvents) => new(alert.Id, alert.Key, alert.Kind.ToString(), alert.Level.ToString(), alert.State.ToString(),
        alert.Title, alert.Message, alert.ConditionSince, alert.FiredAt, alert.LastSeenAt, alert.ResolvedAt, alert.ExpectedBecause, alert.AcknowledgedBy, alert.AcknowledgedAt,
        alert.AcknowledgeNote, alert.EscalationLevel, $"{AppUrls.AlertsApi}/{alert.Id}",
        withEvents ? [.. alert.Events.Select(e => new AlertEventDto(e.At, e.Kind.ToString(), e.By, e.Note))] : null);
}
