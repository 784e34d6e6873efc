using System.Text.Json;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Tasks.Security;

/// <summary>
/// The seed's quarterly "Vulnerability Assessment" (review script security, check for insecure
/// operations) with ShellCheck, Debian's <c>shellcheck</c> package: findings grouped by file. Without
/// ShellCheck on the machine the run fails and says how to install it, rather than passing unreviewed.
/// </summary>
public sealed class ScriptSecurityTask : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(
        "script-security", "Script security review",
        "Runs ShellCheck over scripts/*.sh and modules/*.sh and groups its findings by file, errors first.",
        TaskCadence.Quarterly, ChangesTarget: false, TimeSpan.FromMinutes(5), [],
        "Review script security; check for insecure operations");

    private static readonly string[] ScriptDirectories = ["scripts", "modules"];

    public sealed record Finding(int Line, int Column, string Level, string Code, string Message);

    public async Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var shellcheck = FindOnPath("shellcheck");
        if (shellcheck is null)
        {
            return TaskOutcome.Failure("ShellCheck is not installed on this machine, so the scripts were not reviewed. Install it: apt-get install shellcheck (the Docker image includes it).");
        }

        var files = ScriptDirectories
            .Where(d => Directory.Exists(Path.Combine(context.Root, d)))
            .SelectMany(d => Directory.GetFiles(Path.Combine(context.Root, d), "*.sh").Order(StringComparer.Ordinal).Select(f => $"{d}/{Path.GetFileName(f)}"))
            .ToList();
        if (files.Count == 0)
        {
            return TaskOutcome.Failure("No scripts/*.sh or modules/*.sh to review.");
        }

        context.Log($"$ shellcheck --format=json1 --external-sources {string.Join(' ', files)}");
        // Collected, not streamed: JSON is for us; the readable findings are logged below.
        var result = await ScriptRunner.RunAsync(shellcheck, ["--format=json1", "--external-sources", .. files], context.Root, Descriptor.Timeout, cancellationToken, outputCap: 16 * 1024 * 1024);
        Dictionary<string, List<Finding>> byFile;
        try
        {
            using var document = JsonDocument.Parse(result.Output);
            byFile = document.RootElement.GetProperty("comments").EnumerateArray()
                .GroupBy(c => c.GetProperty("file").GetString() ?? "?")
                .ToDictionary(g => g.Key, g => g.Select(c => new Finding(
                    c.GetProperty("line").GetInt32(), c.GetProperty("column").GetInt32(), c.GetProperty("level").GetString() ?? "",
                    $"SC{c.GetProperty("code").GetInt32()}", c.GetProperty("message").GetString() ?? "")).OrderBy(f => Rank(f.Level)).ThenBy(f => f.Line).ToList());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            context.Log(result.Output);
            return TaskOutcome.Failure($"ShellCheck did not produce a readable report (exit {result.ExitCode}).");
        }

        foreach (var file in files)
        {
            var findings = byFile.GetValueOrDefault(file) ?? [];
            context.Log($"{file}: {(findings.Count == 0 ? "no findings" : $"{findings.Count} finding(s)")}");
            foreach (var f in findings)
            {
                context.Log($"  line {f.Line}:{f.Column}  {f.Level,-7} {f.Code}  {f.Message}");
            }
        }

        var issues = byFile.Where(p => p.Value.Any(f => f.Level is "error" or "warning"))
            .Select(p => $"{p.Key}: {p.Value.Count(f => f.Level == "error")} error(s), {p.Value.Count(f => f.Level == "warning")} warning(s)").ToList();
        var total = byFile.Values.Sum(l => l.Count);
        return TaskOutcome.Success($"{files.Count} script(s) reviewed: {total} finding(s), {issues.Count} file(s) with errors or warnings.", issues, byFile);
    }

    private static int Rank(string level) => level switch { "error" => 0, "warning" => 1, "info" => 2, _ => 3 };

    internal static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
