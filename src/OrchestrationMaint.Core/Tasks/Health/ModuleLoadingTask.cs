using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Tasks.Health;

/// <summary>The seed's "Test basic functionality": runs scripts/test_module_loading.sh with its output live.</summary>
public sealed class ModuleLoadingTask : IMaintenanceTask
{
    private const string Script = "scripts/test_module_loading.sh";

    public TaskDescriptor Descriptor { get; } = new(
        "module-loading", "Module loading test",
        "Runs scripts/test_module_loading.sh, which sources every module; fails when one cannot be sourced.",
        TaskCadence.Weekly, ChangesTarget: false, TimeSpan.FromMinutes(5), [],
        "bash scripts/test_module_loading.sh");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(context.Root, Script)))
        {
            return TaskOutcome.Failure($"{Script} is missing, so module loading cannot be tested. Restore it from git: git checkout -- scripts/");
        }

        context.Log($"$ bash {Script}");
        var result = await ScriptRunner.RunAsync("bash", [Script], context.Root, Descriptor.Timeout, cancellationToken, outputCap: TaskContext.ScriptOutputCap, onLine: context.Log);
        return result switch
        {
            { Succeeded: true } => TaskOutcome.Success($"Every module loads ({result.Duration.TotalSeconds:0.0} s)."),
            { TimedOut: true } => TaskOutcome.Failure($"{Script} did not finish within {Descriptor.Timeout.TotalMinutes:0} minutes and was stopped."),
            _ => TaskOutcome.Failure($"Module loading failed (exit {result.ExitCode}). Check the module named above exists and parses (bash -n modules/NAME.sh), then chmod +x modules/*.sh."),
        };
    }
}
