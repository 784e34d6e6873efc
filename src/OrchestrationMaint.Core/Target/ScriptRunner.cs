using System.Diagnostics;
using System.Text;

namespace OrchestrationMaint.Core.Target;

public sealed record ScriptResult(int? ExitCode, string Output, bool TimedOut, bool Truncated, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>
/// Runs a program in the target: arguments as a list (never a shell string), a timeout, the whole
/// process tree killed on timeout or cancel, and stdout+stderr captured up to a cap.
/// </summary>
public static class ScriptRunner
{
    public const int DefaultOutputCap = 64 * 1024;

    public static async Task<ScriptResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        CancellationToken cancellationToken, int outputCap = DefaultOutputCap, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Nothing run from here may wait for a person: git must fail instead of asking for a password.
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes -o ConnectTimeout=10";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var output = new StringBuilder();
        var truncated = false;
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                if (output.Length + line.Length + 1 > outputCap)
                {
                    truncated = true;
                    return;
                }

                output.Append(line).Append('\n');
            }
        }

        var started = Stopwatch.GetTimestamp();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            process.Kill(entireProcessTree: true);
            // A grandchild that escaped the kill can hold the output pipes open: do not wait for them for ever.
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        lock (output)
        {
            return new ScriptResult(timedOut || !process.HasExited ? null : process.ExitCode, output.ToString(), timedOut, truncated, Stopwatch.GetElapsedTime(started));
        }
    }
}
