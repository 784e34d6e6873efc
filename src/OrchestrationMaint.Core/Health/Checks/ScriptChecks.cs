using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Health.Checks;

/// <summary>The main script exists and can be run (seed: "Check if main script is executable").</summary>
public sealed class MainScriptCheck : ITargetCheck
{
    private const string RelativePath = "scripts/distribute-orchestration-files.sh";

    public string Key => "main-script";

    public string Title => "Main script";

    public Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, RelativePath);
        return Task.FromResult(
            !File.Exists(path) ? CheckOutcome.Unhealthy($"{RelativePath} is missing.", "Restore it from git (git checkout -- scripts/) or from a system-state backup.")
            : !FileModes.IsExecutable(path) ? CheckOutcome.Unhealthy($"{RelativePath} is not executable.", $"Fix permissions: chmod +x {RelativePath}")
            : CheckOutcome.Healthy($"{RelativePath} is present and executable."));
    }
}

/// <summary>Every module is present, readable and executable (seed: "Verify all modules are accessible").</summary>
public sealed class ModulesCheck : ITargetCheck
{
    public string Key => "modules";

    public string Title => "Modules";

    public Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(root, "modules");
        var modules = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.sh").Order(StringComparer.Ordinal).ToList() : [];
        if (modules.Count == 0)
        {
            return Task.FromResult(CheckOutcome.Unhealthy("No modules/*.sh found.", "Restore the modules from git (git checkout -- modules/) or from a system-state backup."));
        }

        var unreadable = modules.Where(m => !FileModes.IsReadable(m)).Select(Path.GetFileName).ToList();
        var notExecutable = modules.Where(m => !FileModes.IsExecutable(m)).Select(Path.GetFileName).ToList();
        var details = modules.Select(m => $"{Path.GetFileName(m)}  {FileModes.Describe(m)}").ToList();
        if (unreadable.Count > 0)
        {
            return Task.FromResult(CheckOutcome.Unhealthy($"Cannot read {string.Join(", ", unreadable)}.", "Check ownership and permissions: ls -la modules/", details));
        }

        return Task.FromResult(notExecutable.Count > 0
            ? CheckOutcome.Degraded($"{notExecutable.Count} of {modules.Count} modules not executable: {string.Join(", ", notExecutable)}.", "Fix permissions: chmod +x modules/*.sh", details)
            : CheckOutcome.Healthy($"{modules.Count} modules, all readable and executable.", details));
    }
}

/// <summary>Runs the target's own module-loading test (seed: "bash scripts/test_module_loading.sh").</summary>
public sealed class ModuleLoadingCheck(TimeSpan? timeout = null) : ITargetCheck
{
    private const string RelativePath = "scripts/test_module_loading.sh";

    public ModuleLoadingCheck() : this(null)
    {
    }

    public string Key => "module-loading";

    public string Title => "Module loading";

    public TimeSpan Timeout { get; } = timeout ?? TimeSpan.FromSeconds(30);

    public async Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(root, RelativePath)))
        {
            return CheckOutcome.Unhealthy($"{RelativePath} is missing, so module loading cannot be tested.", "Restore it from git (git checkout -- scripts/).");
        }

        // The script's own limit comes first, so its output is kept and reported.
        var result = await ScriptRunner.RunAsync("bash", [RelativePath], root, Timeout * 0.9, cancellationToken);
        var output = result.Output.TrimEnd().Split('\n');
        var last = output.LastOrDefault(l => l.Length > 0) ?? "(no output)";
        return result switch
        {
            { TimedOut: true } => CheckOutcome.Unhealthy($"{RelativePath} did not finish in time and was stopped.", "Run it by hand to see where it hangs: bash scripts/test_module_loading.sh", output),
            { Succeeded: true } => CheckOutcome.Healthy($"Modules load: {last}", output),
            _ => CheckOutcome.Unhealthy($"Module loading failed (exit {result.ExitCode}): {output.FirstOrDefault(l => l.Contains("FAIL", StringComparison.Ordinal)) ?? last}",
                "Cannot source module: check the named module exists and parses (bash -n modules/NAME.sh), then chmod +x modules/*.sh", output),
        };
    }
}
