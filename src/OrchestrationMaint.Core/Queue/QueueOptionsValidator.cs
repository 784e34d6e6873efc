using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Core.Scheduling;

namespace OrchestrationMaint.Core.Queue;

/// <summary>Impossible queue, schedule and backup settings stop the app at start-up with a sentence each.</summary>
public sealed class QueueOptionsValidator : IValidateOptions<QueueOptions>, IValidateOptions<SchedulingOptions>, IValidateOptions<BackupOptions>
{
    public ValidateOptionsResult Validate(string? name, QueueOptions options)
    {
        var failures = new List<string>();
        if (options.MaxParallelReadOnly is < 1 or > 16)
        {
            failures.Add($"Queue:MaxParallelReadOnly is {options.MaxParallelReadOnly}: use a value from 1 to 16 (read-only tasks would otherwise never run).");
        }

        if (options.OutputCapChars is < 4096 or > 64 * 1024 * 1024)
        {
            failures.Add($"Queue:OutputCapChars is {options.OutputCapChars}: use a value from 4096 to 67108864.");
        }

        if (options.RetentionDays is < 1 or > 36500)
        {
            failures.Add($"Queue:RetentionDays is {options.RetentionDays}: use a value from 1 to 36500.");
        }

        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        var failures = new List<string>();
        if (!CronSchedule.TryParse("0 9 * * *", options.DefaultTimeZone, out _, out _, out _))
        {
            failures.Add($"Scheduling:DefaultTimeZone '{options.DefaultTimeZone}' is not a time zone this machine knows: use an IANA name such as UTC or Europe/Berlin.");
        }

        if (options.MissedRunGrace < TimeSpan.Zero || options.MissedRunGrace > TimeSpan.FromDays(7))
        {
            failures.Add($"Scheduling:MissedRunGrace is {options.MissedRunGrace}: use a value from 00:00:00 to 7.00:00:00.");
        }

        if (options.PollInterval < TimeSpan.FromSeconds(1) || options.PollInterval > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Scheduling:PollInterval is {options.PollInterval}: use a value from 00:00:01 to 00:05:00.");
        }

        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, BackupOptions options)
    {
        var failures = new List<string>();
        if (options.KeepNewest is < 1 or > 1000)
        {
            failures.Add($"Backups:KeepNewest is {options.KeepNewest}: use a value from 1 to 1000 (at least one backup is always kept).");
        }

        if (options.KeepDays is < 1 or > 3650)
        {
            failures.Add($"Backups:KeepDays is {options.KeepDays}: use a value from 1 to 3650.");
        }

        if (options.MaxEntries < 1 || options.MaxTotalBytes < 1)
        {
            failures.Add("Backups:MaxEntries and Backups:MaxTotalBytes must be positive.");
        }

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) => failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
