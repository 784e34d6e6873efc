using OrchestrationMaint.Core.Health.Checks;

namespace OrchestrationMaint.Core.Tasks.Config;

/// <summary>The seed's weekly "Configuration Review": every config/*.json parses; an error names file, line and column.</summary>
public sealed class ConfigValidationTask : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "config-validation", "Configuration validation",
        "Parses every config/*.json and reports the file, line and column of each error, and any required file that is missing.",
        TaskCadence.Weekly, ChangesTarget: false, TimeSpan.FromMinutes(2), [],
        "jq . config/distribution.json; jq . config/default.json");

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(context.Root, "config");
        var files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).ToList() : [];
        var issues = ConfigCheck.Required.Where(name => !files.Any(f => Path.GetFileName(f) == name))
            .Select(name => $"config/{name} is missing (recreate it with the recreate-config task)").ToList();
        var results = new List<object>();
        foreach (var file in files)
        {
            var name = $"config/{Path.GetFileName(file)}";
            var error = await ConfigCheck.ValidateAsync(file, cancellationToken);
            context.Log(error is null ? $"[ ok ] {name}" : $"[FAIL] {name}: {error}");
            results.Add(new { file = name, valid = error is null, error });
            if (error is not null)
            {
                issues.Add($"{name}: {error}");
            }
        }

        foreach (var missing in issues.Where(i => i.Contains("is missing", StringComparison.Ordinal)))
        {
            context.Log($"[FAIL] {missing}");
        }

        return TaskOutcome.Success(
            issues.Count == 0 ? $"{files.Count} configuration file(s), all valid JSON." : $"{issues.Count} configuration problem(s) in {files.Count} file(s).",
            issues, results);
    }
}
