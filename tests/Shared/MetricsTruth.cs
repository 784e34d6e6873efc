using System.Globalization;
using System.Text;
using System.Text.Json;
using OrchestrationMaint.Core.Metrics;

namespace OrchestrationMaint.Tests;

/// <summary>
/// The contract of shared/target-system.md computed the plainest way (whole file in memory,
/// JsonDocument, LINQ), independently of the engine, as the truth its figures must equal.
/// </summary>
public sealed record MetricsTruth(long Records, long Successes, long Failures, long Other, long Slow, long Malformed, IReadOnlyDictionary<string, (long Count, double Max)> Operations)
{
    public double? SuccessRate => Successes + Failures == 0 ? null : 100.0 * Successes / (Successes + Failures);

    /// <param name="excludeHour">Leaves out every line (record or malformed) of the UTC hours it says yes to.</param>
    public static MetricsTruth Of(string path, double slowThreshold, DateTimeOffset? from, Func<DateTimeOffset, bool>? excludeHour = null)
    {
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        var lines = text.Split('\n');
        long records = 0, successes = 0, failures = 0, other = 0, slow = 0, malformed = 0;
        var operations = new Dictionary<string, (long Count, double Max)>();
        var lastHour = DateTimeOffset.MinValue;
        // The last element is what follows the final newline: an incomplete line, never counted.
        foreach (var raw in lines[..^1])
        {
            var line = raw.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var record = TryRecord(line);
            if (record is null)
            {
                malformed += (from is null || lastHour >= from) && excludeHour?.Invoke(lastHour) != true ? 1 : 0;
                continue;
            }

            var (timestamp, operation, status, duration) = record.Value;
            lastHour = MetricsWindows.FloorHour(timestamp);
            if ((from is not null && lastHour < from) || excludeHour?.Invoke(lastHour) == true)
            {
                continue;
            }

            records++;
            successes += status == "success" ? 1 : 0;
            failures += status == "failure" ? 1 : 0;
            other += status is not ("success" or "failure") ? 1 : 0;
            slow += duration > slowThreshold ? 1 : 0;
            var (count, max) = operations.GetValueOrDefault(operation);
            operations[operation] = (count + 1, Math.Max(max, duration));
        }

        return new MetricsTruth(records, successes, failures, other, slow, malformed, operations);
    }

    private static (DateTimeOffset, string, string, double)? TryRecord(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("timestamp", out var ts) || ts.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(ts.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp)
                || !root.TryGetProperty("operation", out var op) || op.ValueKind != JsonValueKind.String || op.GetString() is not { Length: > 0 } operation
                || !root.TryGetProperty("status", out var st) || st.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("duration_seconds", out var d))
            {
                return null;
            }

            double duration;
            if (d.ValueKind == JsonValueKind.Number)
            {
                duration = d.GetDouble();
            }
            else if (d.ValueKind != JsonValueKind.String || !double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out duration))
            {
                return null;
            }

            return duration < 0 ? null : (timestamp.ToUniversalTime(), operation, st.GetString()!.ToLowerInvariant(), duration);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
