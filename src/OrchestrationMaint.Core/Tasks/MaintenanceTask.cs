using System.Text.Json;
using System.Text.Json.Nodes;
using OrchestrationMaint.Core.Access;

namespace OrchestrationMaint.Core.Tasks;

/// <summary>How often the seed asks for a task; the Tasks page groups its cards by this.</summary>
public enum TaskCadence
{
    Daily,
    Weekly,
    Monthly,
    Quarterly,
    OnDemand,
}

public enum ParameterKind
{
    Number,
    Boolean,
    Text,
}

/// <summary>One typed parameter of a task; <see cref="Default"/> is used when a request leaves it out.</summary>
public sealed record TaskParameter(string Name, string Label, ParameterKind Kind, JsonNode? Default, string? Help = null, int? Min = null, int? Max = null,
    IReadOnlyList<string>? Choices = null);

/// <param name="ChangesTarget">
/// Changes the target (or restores it): runs alone, under the queue's exclusive lock, never re-run after a crash,
/// and the UI asks for a typed confirmation.
/// </param>
public sealed record TaskDescriptor(
    string Key,
    string Title,
    string Description,
    TaskCadence Cadence,
    bool ChangesTarget,
    TimeSpan Timeout,
    IReadOnlyList<TaskParameter> Parameters,
    string SeedProcedure)
{
    /// <summary>Whether the UI asks for the key to be typed: every task that changes the target, unless only adding to it (a new backup).</summary>
    public bool ConfirmBeforeRun { get; init; } = ChangesTarget;

    /// <summary>
    /// Who may run it, enforced by the queue: Admin for what changes the target (restores, cleanups, permission fixes,
    /// updates), Operator for read-only and routine work. A task that only adds (a new backup) says so itself.
    /// </summary>
    public Role RequiredRole { get; init; } = ChangesTarget ? Role.Admin : Role.Operator;

    /// <summary>
    /// Whether it belongs in a maintenance window: started from the UI outside one, it asks for an extra
    /// confirmation. Every task that changes the target, unless only adding to it (a new backup is
    /// what one makes before any change, at any time).
    /// </summary>
    public bool NeedsMaintenanceWindow { get; init; } = ChangesTarget;

    /// <summary>
    /// <see cref="NeedsMaintenanceWindow"/> for these arguments: a dry run (a <c>dryRun</c> parameter
    /// that is, or defaults to, true) only lists what it would do, so it needs no window.
    /// </summary>
    public bool NeedsMaintenanceWindowFor(JsonObject? arguments)
    {
        if (!NeedsMaintenanceWindow)
        {
            return false;
        }

        var dryRun = Parameters.FirstOrDefault(p => p is { Name: "dryRun", Kind: ParameterKind.Boolean });
        var value = dryRun is null ? null : arguments?[dryRun.Name] ?? dryRun.Default;
        return value?.GetValueKind() != JsonValueKind.True;
    }
}

/// <summary>
/// What a run found. <see cref="Succeeded"/> is false only when the task could not do its job (a test
/// that failed, a refusal, an error); findings of a review that ran fine are <see cref="Issues"/>.
/// </summary>
public sealed record TaskOutcome(bool Succeeded, string Summary, IReadOnlyList<string> Issues, object? Result = null)
{
    public static TaskOutcome Success(string summary, IReadOnlyList<string>? issues = null, object? result = null) => new(true, summary, issues ?? [], result);

    public static TaskOutcome Failure(string summary, IReadOnlyList<string>? issues = null, object? result = null) => new(false, summary, issues ?? [summary], result);
}

/// <summary>What a running task can see and report: the target, its arguments, and a live output and progress channel.</summary>
public sealed class TaskContext(long runId, string root, TaskArguments arguments, Action<string> log, Action<double> progress)
{
    /// <summary>What a script run inside a task keeps; the run's own output cap (Queue:OutputCapChars) applies on top.</summary>
    public const int ScriptOutputCap = 4 * 1024 * 1024;

    public long RunId => runId;

    public string Root => root;

    public TaskArguments Arguments => arguments;

    /// <summary>One line of output, shown live on the run's page and stored with the run.</summary>
    public void Log(string line) => log(line);

    /// <summary>Progress from 0 to 1, where the task knows it.</summary>
    public void Progress(double fraction) => progress(Math.Clamp(fraction, 0, 1));
}

/// <summary>
/// One maintenance procedure of the seed. Adding one is a class in a folder under Tasks/ plus one
/// registration line; the queue, the API, schedules and the Tasks page pick it up from the catalogue.
/// </summary>
public interface IMaintenanceTask
{
    TaskDescriptor Descriptor { get; }

    Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken);
}

/// <summary>A run's validated arguments: every declared parameter present, with its declared type.</summary>
public sealed class TaskArguments(JsonObject values)
{
    public int Number(string name) => values[name]?.GetValue<int>() ?? throw new KeyNotFoundException(name);

    public bool Boolean(string name) => values[name]?.GetValue<bool>() ?? throw new KeyNotFoundException(name);

    public string? Text(string name) => values[name]?.GetValue<string>();

    public string ToJson() => values.ToJsonString();

    public static TaskArguments FromJson(string? json) =>
        new(string.IsNullOrWhiteSpace(json) ? [] : JsonNode.Parse(json) as JsonObject ?? throw new JsonException("Arguments must be a JSON object."));
}
