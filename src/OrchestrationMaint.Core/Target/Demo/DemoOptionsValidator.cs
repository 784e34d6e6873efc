using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Target.Demo;

public sealed class DemoOptionsValidator(IOptions<TargetOptions> target) : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        var failures = new List<string>();
        if (options.Simulate == true && !string.IsNullOrWhiteSpace(target.Value.Root))
        {
            failures.Add($"Demo:Simulate is true but Target:Root is set to '{target.Value.Root}': the simulator writes fake metrics and only ever runs on the built-in demo target. Remove Demo:Simulate or Target:Root.");
        }

        if (options.IntervalSeconds is < 1 or > 3600)
        {
            failures.Add($"Demo:IntervalSeconds is {options.IntervalSeconds}: use a value from 1 to 3600.");
        }

        if (options.HistoryDays is < 1 or > 3650)
        {
            failures.Add($"Demo:HistoryDays is {options.HistoryDays}: use a value from 1 to 3650.");
        }

        if (options.HistoryRecords is < 0 or > 10_000_000)
        {
            failures.Add($"Demo:HistoryRecords is {options.HistoryRecords}: use a value from 0 to 10000000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
