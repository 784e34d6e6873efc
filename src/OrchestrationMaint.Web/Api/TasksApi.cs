using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Web.Auth;

namespace OrchestrationMaint.Web.Api;

/// <summary>The task catalogue and the run queue over HTTP (camelCase JSON). Documented in the README.</summary>
public static class TasksApi
{
    public const int MaxTake = 500;

    public sealed record ParameterDto(string Name, string Label, string Kind, JsonNode? Default, string? Help, int? Min, int? Max, IReadOnlyList<string>? Choices);

    public sealed record TaskDto(string Key, string Title, string Description, string Cadence, bool ChangesTarget, double TimeoutSeconds, string SeedProcedure, IReadOnlyList<ParameterDto> Parameters);

    public sealed record QueuedDto(long Id, string Url, string State, bool AlreadyActive);

    public sealed record RunDto(long Id, string Task, string State, JsonNode? Arguments, string Trigger, string RequestedBy, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt,
        DateTimeOffset? FinishedAt, double? DurationSeconds, string? Summary, IReadOnlyList<string> Issues, JsonNode? Result, string? Output, bool OutputTruncated, string Url);

    public sealed record RunListDto(int Total, IReadOnlyList<RunDto> Runs);

    public sealed record CancelDto(long Id, string Outcome);

    public static void MapTasksApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapGet("/tasks", (TaskCatalog catalog) => TypedResults.Ok(catalog.All.Select(t => ToDto(t.Descriptor)).ToList()));
        api.MapPost("/tasks/{key}", EnqueueAsync).RequireJsonContent();
        api.MapGet("/runs", ListAsync);
        api.MapGet("/runs/{id:long}", GetAsync);
        api.MapPost("/runs/{id:long}/cancel", CancelAsync).RequireJsonContent();
    }

    private static async Task<Results<Accepted<QueuedDto>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> EnqueueAsync(
        string key, HttpRequest request, TaskCatalog catalog, TaskQueue queue, CancellationToken cancellationToken)
    {
        if (catalog.Find(key) is null)
        {
            return TypedResults.NotFound(new ProblemDetails { Title = $"There is no task '{key}'.", Detail = $"Known tasks: {string.Join(", ", catalog.All.Select(t => t.Descriptor.Key))}." });
        }

        JsonObject? parameters = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                parameters = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken) switch
                {
                    JsonObject body => body,
                    null => null,
                    _ => throw new JsonException("The body must be a JSON object of parameters."),
                };
            }
            catch (JsonException ex)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"The body is not a JSON object of parameters: {ex.Message}"] });
            }
        }

        var result = await queue.EnqueueAsync(key, parameters, ActorClaims.ToActor(request.HttpContext), cancellationToken);
        if (result.Denied)
        {
            return Forbidden(result.Errors);
        }

        if (!result.Accepted)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["parameters"] = [.. result.Errors] }, title: $"The request for '{key}' was refused.");
        }

        var run = result.Run!;
        var url = RunUrl(run.Id);
        return TypedResults.Accepted(url, new QueuedDto(run.Id, url, run.State.ToString(), result.AlreadyActive));
    }

    private static async Task<Results<Ok<RunListDto>, ValidationProblem>> ListAsync(string? state, string? task, string? requestedBy, int? skip, int? take,
        RunHistory history, CancellationToken cancellationToken)
    {
        RunState? parsedState = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!Enum.TryParse<RunState>(state, ignoreCase: true, out var value) || !Enum.IsDefined(value))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = [$"Use one of: {string.Join(", ", Enum.GetNames<RunState>())}."] });
            }

            parsedState = value;
        }

        if (take is < 1 or > MaxTake || skip is < 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["take"] = [$"take must be between 1 and {MaxTake}, skip 0 or more."] });
        }

        var page = await history.ListAsync(new RunFilter(parsedState, task, requestedBy), skip ?? 0, take ?? 50, cancellationToken);
        return TypedResults.Ok(new RunListDto(page.Total, [.. page.Runs.Select(r => ToDto(r, withOutput: false))]));
    }

    private static async Task<Results<Ok<RunDto>, NotFound<ProblemDetails>>> GetAsync(long id, RunHistory history, TaskQueue queue, CancellationToken cancellationToken)
    {
        if (await history.GetAsync(id, cancellationToken) is not { } run)
        {
            return RunNotFound(id);
        }

        var dto = ToDto(run, withOutput: true);
        return TypedResults.Ok(queue.LiveOutput(id) is { } live ? dto with { Output = live } : dto);
    }

    private static async Task<Results<Accepted<CancelDto>, NotFound<ProblemDetails>, Conflict<CancelDto>>> CancelAsync(long id, HttpContext context, TaskQueue queue, CancellationToken cancellationToken)
    {
        // A Viewer's key is refused by the queue itself (AccessDeniedException, answered 403 by the auth middleware).
        var outcome = await queue.CancelAsync(id, ActorClaims.ToActor(context), cancellationToken);
        var dto = new CancelDto(id, outcome.ToString());
        return outcome switch
        {
            CancelResult.NotFound => RunNotFound(id),
            CancelResult.AlreadyFinished => TypedResults.Conflict(dto),
            _ => TypedResults.Accepted(RunUrl(id), dto),
        };
    }

    public static string RunUrl(long id) => $"/api/runs/{id}";

    /// <summary>403 with the service's own sentence: who asked, what role it needs.</summary>
    public static ProblemHttpResult Forbidden(IEnumerable<string> reasons) =>
        TypedResults.Problem(string.Join(" ", reasons), statusCode: StatusCodes.Status403Forbidden, title: "Your role does not allow this.");

    // With a body: an empty 404 would be re-executed as the HTML not-found page.
    private static NotFound<ProblemDetails> RunNotFound(long id) =>
        TypedResults.NotFound(new ProblemDetails { Title = $"There is no run {id}.", Detail = "It never existed, or was pruned from the history." });

    public static TaskDto ToDto(TaskDescriptor task) => new(task.Key, task.Title, task.Description, task.Cadence.ToString(), task.ChangesTarget, task.Timeout.TotalSeconds,
        task.SeedProcedure, [.. task.Parameters.Select(p => new ParameterDto(p.Name, p.Label, p.Kind.ToString(), p.Default?.DeepClone(), p.Help, p.Min, p.Max, p.Choices))]);

    public static RunDto ToDto(TaskRun run, bool withOutput) => new(
        run.Id, run.TaskKey, run.State.ToString(), JsonNode.Parse(run.Arguments), run.Trigger.ToString(), run.RequestedBy, run.QueuedAt, run.StartedAt, run.FinishedAt,
        run.Duration?.TotalSeconds, run.Summary, run.IssueList, run.Result is null ? null : JsonNode.Parse(run.Result),
        withOutput ? run.Output?.Text ?? "" : null, run.OutputTruncated, RunUrl(run.Id));
}
