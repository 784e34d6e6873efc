using OrchestrationMaint.Core.Health.Checks;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Tasks.Config;

/// <summary>
/// The seed's "Recreate default config if needed": <c>distribute-orchestration-files.sh --help</c> writes
/// the default configuration when it is missing. Only run when a required file is missing, so an
/// existing configuration is never touched.
/// </summary>
public sealed class RecreateConfigTask : IMaintenanceTask
{
    private const string Script = "scripts/distribute-orchestration-files.sh";

    public TaskDescriptor Descriptor { get; } = new(
        "recreate-config", "Recreate default configuration",
        "When config/default.json or config/distribution.json is missing, runs the main script's --help route, which writes the default configuration. Does nothing when both exist.",
        TaskCadence.OnDemand, ChangesTarget: true, TimeSpan.FromMinutes(2), [],
        "bash scripts/distribute-orchestration-files.sh --help");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var missing = Missing(context.Root);
        if (missing.Count == 0)
        {
            context.Log("config/default.json and config/distribution.json both exist: nothing to recreate, nothing changed.");
            return TaskOutcome.Success("Nothing to do: the configuration files exist.");
        }

        context.Log($"Missing: {string.Join(", ", missing.Select(m => $"config/{m}"))}");
        if (!File.Exists(Path.Combine(context.Root, Script)))
        {
            return TaskOutcome.Failure($"{Script} is missing, so the default configuration cannot be recreated. Restore scripts/ from git or a backup first.");
        }

        Directory.CreateDirectory(Path.Combine(context.Root, "config"));
        context.Log($"$ bash {Script} --help");
        var result = await ScriptRunner.RunAsync("bash", [Script, "--help"], context.Root, Descriptor.Timeout, cancellationToken, outputCap: TaskContext.ScriptOutputCap, onLine: context.Log);
        var stillMissing = Missing(context.Root);
        var recreated = missing.Except(stillMissing).ToList();
        if (stillMissing.Count > 0)
        {
            return TaskOutcome.Failure(
                $"Still missing after the script ran (exit {result.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}): {string.Join(", ", stillMissing.Select(m => $"config/{m}"))}. Restore it from a configuration snapshot.",
                result: new { recreated, stillMissing });
        }

        return TaskOutcome.Success($"Recreated {string.Join(", ", recreated.Select(m => $"config/{m}"))}.", result: new { recreated, stillMissing });
    }

    private static List<string> Missing(string root) => ConfigCheck.Required.Where(name => !File.Exists(Path.Combine(root, "config", name))).ToList();
}
