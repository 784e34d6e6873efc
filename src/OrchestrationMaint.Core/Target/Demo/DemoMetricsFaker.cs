using System.Globalization;

namespace OrchestrationMaint.Core.Target.Demo;

/// <summary>
/// Realistic operations for the demo target: log-normal durations per operation, a few percent
/// failures, a tail of slow runs, key order and number formats that vary as shell scripts write them.
/// </summary>
internal sealed class DemoMetricsFaker(Random random)
{
    private sealed record Operation(string Name, double Weight, double MedianSeconds, double Spread, double FailureRate, double SlowRate, string[] Errors);

    private static readonly Operation[] Operations =
    [
        new("distribute", 0.45, 3.2, 0.45, 0.020, 0.060, ["Cannot source module: modules/git_ops.sh", "Permission denied: scripts/distribute-orchestration-files.sh", "Target unreachable"]),
        new("git_push", 0.15, 1.8, 0.55, 0.060, 0.040, ["Git operation failed: remote unavailable", "Git operation failed: push rejected"]),
        new("git_pull", 0.15, 1.1, 0.50, 0.030, 0.010, ["Git operation failed: remote unavailable", "Git operation failed: merge conflict"]),
        new("validate_config", 0.10, 0.3, 0.35, 0.015, 0.000, ["Invalid JSON in config/distribution.json", "Configuration file not found: config/default.json"]),
        new("load_modules", 0.10, 0.6, 0.30, 0.010, 0.000, ["Cannot source module: modules/validation.sh"]),
        new("sync_profiles", 0.05, 2.5, 0.40, 0.025, 0.020, ["Permission denied: .context-control/profiles"]),
    ];

    public bool LastWasFailure { get; private set; }

    public bool LastWasSlow { get; private set; }

    /// <summary>One metrics line (without line end) and the matching performance-log line.</summary>
    /// <param name="failureBoost">Added to the failure rate: models an outage window.</param>
    public (string Metric, string Performance) Next(DateTimeOffset timestamp, double failureBoost = 0)
    {
        var operation = Pick();
        var slow = random.NextDouble() < operation.SlowRate;
        var duration = slow
            ? 10.0 + (random.NextDouble() * random.NextDouble() * 50.0) + 0.001
            : Math.Min(9.5, operation.MedianSeconds * Math.Exp(operation.Spread * Gaussian()));
        var failed = random.NextDouble() < operation.FailureRate + failureBoost;
        var skipped = !failed && random.NextDouble() < 0.003;
        var status = failed ? "failure" : skipped ? "skipped" : "success";
        var error = failed ? operation.Errors[random.Next(operation.Errors.Length)] : null;
        LastWasFailure = failed;
        LastWasSlow = slow;

        var ts = timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var durationText = duration.ToString("0.###", CultureInfo.InvariantCulture);
        // A few scripts quote the number or put the status first: the dashboard must read both.
        var durationJson = random.NextDouble() < 0.005 ? $"\"{durationText}\"" : durationText;
        var extra = operation.Name switch
        {
            "distribute" => $", \"files\": {random.Next(12, 40)}, \"target\": \"node-{random.Next(1, 17):00}\"",
            "git_push" or "git_pull" => $", \"branch\": \"main\"",
            _ => "",
        };
        if (error is not null)
        {
            extra += $", \"error\": \"{error}\"";
        }

        var metric = random.NextDouble() < 0.02
            ? $"{{\"status\": \"{status}\", \"operation\": \"{operation.Name}\", \"duration_seconds\": {durationJson}, \"timestamp\": \"{ts}\"{extra}}}"
            : $"{{\"timestamp\": \"{ts}\", \"operation\": \"{operation.Name}\", \"status\": \"{status}\", \"duration_seconds\": {durationJson}{extra}}}";

        var when = timestamp.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var performance = failed ? $"{when} [ERROR] {operation.Name} failed after {durationText}s: {error}"
            : slow ? $"{when} [WARN] {operation.Name} slow: {durationText}s exceeds the 10s threshold"
            : $"{when} [INFO] {operation.Name} {status} in {durationText}s";
        return (metric, performance);
    }

    /// <summary>Lines a real file collects over the years: truncated writes, stray shell output, bad values.</summary>
    public static IReadOnlyList<string> MalformedSamples(DateTimeOffset around)
    {
        var ts = around.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return
        [
            $"{{\"timestamp\": \"{ts}\", \"operation\": \"distribute\", \"status\": \"succ",
            "bash: line 42: jq: command not found",
            $"{{\"timestamp\": \"{ts}\", \"operation\": \"git_push\", \"status\": \"success\"}}",
            $"{{\"timestamp\": \"{ts}\", \"operation\": \"distribute\", \"status\": \"success\", \"duration_seconds\": \"fast\"}}",
            "{\"timestamp\": \"yesterday\", \"operation\": \"git_pull\", \"status\": \"success\", \"duration_seconds\": 1.2}",
            $"{{\"timestamp\": \"{ts}\", \"operation\": \"\", \"status\": \"failure\", \"duration_seconds\": 0.4}}",
            $"{{\"timestamp\": \"{ts}\", \"operation\": \"sync_profiles\", \"status\": 1, \"duration_seconds\": 2.0}}",
            "[\"distribute\", \"success\", 3.2]",
        ];
    }

    private Operation Pick()
    {
        var roll = random.NextDouble();
        foreach (var operation in Operations)
        {
            roll -= operation.Weight;
            if (roll <= 0)
            {
                return operation;
            }
        }

        return Operations[^1];
    }

    private double Gaussian()
    {
        // Box-Muller: enough for plausible log-normal durations.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Sin(2.0 * Math.PI * u2);
    }
}
