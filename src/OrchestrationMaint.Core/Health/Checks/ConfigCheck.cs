using System.Text.Json;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Health.Checks;

/// <summary>Every config/*.json parses (seed: "jq . config/distribution.json"); an error names file, line and column.</summary>
public sealed class ConfigCheck : ITargetCheck
{
    /// <summary>Configuration is a few kilobytes; anything this big is a mistake, and is not read into memory.</summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    internal static readonly string[] Required = ["distribution.json", "default.json"];

    public string Key => "config";

    public string Title => "Configuration";

    public async Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(root, "config");
        var files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).ToList() : [];
        var problems = new List<string>();
        var details = new List<string>();
        foreach (var missing in Required.Where(name => !files.Any(f => Path.GetFileName(f) == name)))
        {
            problems.Add($"config/{missing} is missing");
        }

        foreach (var file in files)
        {
            var name = $"config/{Path.GetFileName(file)}";
            var error = await ValidateAsync(file, cancellationToken);
            details.Add(error is null ? $"{name}: valid JSON ({TargetInspector.FormatSize(new FileInfo(file).Length)})" : $"{name}: {error}");
            if (error is not null)
            {
                problems.Add($"{name}: {error}");
            }
        }

        return problems.Count == 0
            ? CheckOutcome.Healthy($"{files.Count} configuration files, all valid JSON.", details)
            : CheckOutcome.Unhealthy(problems[0] + (problems.Count > 1 ? $" (and {problems.Count - 1} more)" : ""),
                "Fix the file at the position shown (jq . FILE shows the same error), restore it from a configuration snapshot, or recreate the default with: bash scripts/distribute-orchestration-files.sh --help",
                details.Concat(problems.Skip(1)).ToList());
    }

    internal static async Task<string?> ValidateAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            var identity = Metrics.FileIdentity.Of(file);
            if (identity.Kind != Metrics.FileKind.Regular)
            {
                // A FIFO would block the read for ever.
                return "not a regular file, not read";
            }

            var length = identity.Size;
            if (length > MaxBytes)
            {
                return $"{TargetInspector.FormatSize(length)}: far too large for a configuration file, not parsed";
            }

            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
            return null;
        }
        catch (JsonException ex)
        {
            // JsonException counts lines and bytes from zero; editors count from one.
            var line = (ex.LineNumber ?? 0) + 1;
            var column = (ex.BytePositionInLine ?? 0) + 1;
            return $"invalid JSON at line {line}, column {column}";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read: {ex.Message}";
        }
    }
}
