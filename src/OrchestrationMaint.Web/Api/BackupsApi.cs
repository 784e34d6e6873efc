using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Web.Auth;

namespace OrchestrationMaint.Web.Api;

/// <summary>Backups over HTTP. Creating, verifying and restoring are queued runs, answered 202 like tasks. Ids are opaque.</summary>
public static class BackupsApi
{
    public sealed record BackupDto(string Id, string Name, string Kind, DateTimeOffset CreatedAt, long SizeBytes, int FileCount, string CreatedBy, string Status,
        DateTimeOffset? VerifiedAt, string? VerificationMessage, bool IsSafetyBackup, bool Restorable, string Path, DateTimeOffset? LastDrillAt, bool? LastDrillPassed);

    public sealed record CreateRequest(string? Kind);

    /// <param name="Fingerprint">From GET …/restore-plan: the restore is refused if the backup changed since the plan was made. Optional.</param>
    public sealed record RestoreRequest(string? Confirm, string? Fingerprint);

    public sealed record ChangeDto(string Path, string Kind, IReadOnlyList<string>? Diff);

    public sealed record RestorePlanDto(string Id, string Name, string Fingerprint, IReadOnlyList<string> Directories, IReadOnlyList<ChangeDto> Changes);

    public static void MapBackupsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/backups");
        api.MapGet("", async (BackupService backups, CancellationToken ct) => TypedResults.Ok((await backups.ListAsync(ct)).Select(ToDto).ToList()));
        api.MapPost("", CreateAsync).RequireJsonContent();
        api.MapPost("/{id}/verify", VerifyAsync).RequireJsonContent();
        api.MapGet("/{id}/restore-plan", PlanAsync);
        api.MapPost("/{id}/restore", RestoreAsync).RequireJsonContent();
    }

    private static Task<IResult> CreateAsync(CreateRequest? request, HttpContext context, TaskQueue queue, CancellationToken ct) =>
        EnqueueAsync(context, queue, "backup-create", new JsonObject { ["kind"] = request?.Kind ?? "system" }, ct);

    private static async Task<IResult> VerifyAsync(string id, HttpContext context, BackupService backups, TaskQueue queue, CancellationToken ct) =>
        await FindAsync(id, backups, ct) switch
        {
            (_, { } problem) => problem,
            _ => await EnqueueAsync(context, queue, "backup-verify", new JsonObject { ["backup"] = id }, ct),
        };

    private static async Task<IResult> RestoreAsync(string id, RestoreRequest? request, HttpContext context, BackupService backups, TaskQueue queue, CancellationToken ct)
    {
        var (backup, problem) = await FindAsync(id, backups, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (!string.Equals(request?.Confirm?.Trim(), backup!.Name, StringComparison.Ordinal))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["confirm"] = [$"Send {{\"confirm\": \"{backup.Name}\"}}: the backup's name, to confirm the restore."] });
        }

        var fingerprint = request?.Fingerprint ?? "";
        if (fingerprint.Length > 0 && !BackupFingerprint.IsWellFormed(fingerprint))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["fingerprint"] = [$"A fingerprint is the 64 lowercase hexadecimal characters of GET /api/backups/{id}/restore-plan, or left out."] });
        }

        return await EnqueueAsync(context, queue, "backup-restore", new JsonObject { ["backup"] = id, ["confirm"] = backup.Name, ["fingerprint"] = fingerprint }, ct);
    }

    /// <summary>What a restore would change, file by file, and the fingerprint to send with the restore so that it restores exactly this (422 when the backup cannot be restored).</summary>
    private static async Task<IResult> PlanAsync(string id, BackupService backups, CancellationToken ct)
    {
        var (backup, problem) = await FindAsync(id, backups, ct);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            var plan = await backups.PlanRestoreAsync(backup!, ct);
            return TypedResults.Ok(new RestorePlanDto(backup!.Key, backup.Name, plan.Fingerprint, plan.Directories,
                [.. plan.Changes.Select(c => new ChangeDto(c.Path, c.Kind.ToString().ToLowerInvariant(), c.Diff))]));
        }
        catch (Exception ex) when (ex is UnsafeArchiveException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return TypedResults.Problem(title: $"{backup!.Name} cannot be restored.", detail: ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    /// <summary>The registered backup, or the answer: 400 for something that is not an id at all (a path, a name), 404 for an unknown one.</summary>
    private static async Task<(BackupRecord? Backup, IResult? Problem)> FindAsync(string id, BackupService backups, CancellationToken ct)
    {
        if (!BackupService.IsKey(id))
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["A backup id is 16 hexadecimal characters from GET /api/backups, never a path or a name."] }));
        }

        return await backups.FindAsync(id, ct) is { } backup
            ? (backup, null)
            : (null, TypedResults.NotFound(new ProblemDetails { Title = $"There is no backup {id}.", Detail = "GET /api/backups lists them." }));
    }

    private static async Task<IResult> EnqueueAsync(HttpContext context, TaskQueue queue, string task, JsonObject parameters, CancellationToken ct)
    {
        var result = await queue.EnqueueAsync(task, parameters, ActorClaims.ToActor(context), ct);
        if (result.Denied)
        {
            return TasksApi.Forbidden(result.Errors);
        }

        if (!result.Accepted)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["parameters"] = [.. result.Errors] });
        }

        var url = TasksApi.RunUrl(result.Run!.Id);
        return TypedResults.Accepted(url, new TasksApi.QueuedDto(result.Run.Id, url, result.Run.State.ToString(), result.AlreadyActive));
    }

    public static BackupDto ToDto(BackupRecord b) => new(b.Key, b.Name, b.Kind == BackupKind.SystemState ? "system" : "configuration", b.CreatedAt, b.SizeBytes, b.FileCount,
        b.CreatedBy, b.Status.ToString(), b.VerifiedAt, b.VerificationMessage, b.IsSafetyBackup, b.IsRestorable, b.RelativePath, b.LastDrillAt, b.LastDrillPassed);
}
