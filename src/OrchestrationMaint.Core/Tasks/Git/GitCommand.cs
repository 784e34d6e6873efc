using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Tasks.Git;

/// <summary>Runs git in the target the way a person would, echoing the command and its output into the run.</summary>
internal static class GitCommand
{
    public static async Task<ScriptResult> RunAsync(TaskContext context, TimeSpan timeout, CancellationToken cancellationToken, params string[] arguments)
    {
        context.Log($"$ git {string.Join(' ', arguments)}");
        var result = await ScriptRunner.RunAsync("git", arguments, context.Root, timeout, cancellationToken, outputCap: TaskContext.ScriptOutputCap, onLine: context.Log);
        if (!result.Succeeded)
        {
            context.Log(result.TimedOut ? $"(timed out after {timeout.TotalSeconds:0} s)" : $"(exit {result.ExitCode})");
        }

        return result;
    }
}
