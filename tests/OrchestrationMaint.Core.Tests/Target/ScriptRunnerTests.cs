using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Target;

public sealed class ScriptRunnerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ScriptPrintingOneGigabyte_IsCappedWithoutDeadlock()
    {
        using var temp = new TempDirectory();
        // 512 MB on stdout as one line and 512 MB on stderr as short lines: both pipes full at once.
        var result = await ScriptRunner.RunAsync("bash", ["-c", "head -c 536870912 /dev/zero | tr '\\0' x & head -c 536870912 /dev/zero | tr '\\0' '\\n' >&2; wait"],
            temp.Path, TimeSpan.FromMinutes(3), Token, outputCap: 64 * 1024);

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Truncated);
        Assert.True(result.Output.Length < 64 * 1024 + 200, $"kept {result.Output.Length} chars");
        Assert.EndsWith(ScriptRunner.TruncatedMark + "\n", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LineLongerThanTheLineLimit_IsCutAndSaysHowMuch()
    {
        using var temp = new TempDirectory();
        var result = await ScriptRunner.RunAsync("bash", ["-c", "head -c 100000 /dev/zero | tr '\\0' y; echo; echo after"], temp.Path, TimeSpan.FromMinutes(1), Token);

        var lines = result.Output.Split('\n');
        Assert.StartsWith(new string('y', ScriptRunner.MaxLineChars), lines[0], StringComparison.Ordinal);
        Assert.EndsWith($"[line cut: {100000 - ScriptRunner.MaxLineChars:N0} more bytes]", lines[0], StringComparison.Ordinal);
        Assert.Equal("after", lines[1]);
    }

    [Fact]
    public async Task Run_ArgumentWithShellMetacharactersAndLeadingDashes_ArrivesAsOneLiteralArgument()
    {
        using var temp = new TempDirectory();
        const string hostile = "--rm -rf / ; $(touch pwned) `touch pwned2` | & * \"' \n > out";
        var result = await ScriptRunner.RunAsync("bash", ["-c", "printf '%s' \"$#:$1\"", "script", hostile], temp.Path, TimeSpan.FromMinutes(1), Token);

        Assert.Equal($"1:{hostile}", result.Output.TrimEnd('\n').Replace("\n", "\n", StringComparison.Ordinal));
        Assert.False(File.Exists(temp.Combine("pwned")));
        Assert.False(File.Exists(temp.Combine("pwned2")));
        Assert.False(File.Exists(temp.Combine("out")));
    }

    [Fact]
    public async Task Run_PastTheTimeout_KillsTheTreeAndReportsTimedOut()
    {
        using var temp = new TempDirectory();
        var pidFile = temp.Combine("child.pid");
        var result = await ScriptRunner.RunAsync("bash", ["-c", $"setsid sleep 300 & echo $! > {pidFile}; sleep 300"], temp.Path, TimeSpan.FromSeconds(1), Token);

        Assert.True(result.TimedOut);
        Assert.Null(result.ExitCode);
        var pid = File.ReadAllText(pidFile).Trim();
        await Task.Delay(200, Token);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/status").Contains("zombie", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_ScriptLeavingABackgroundChild_ReturnsAndStopsTheChild()
    {
        using var temp = new TempDirectory();
        var pidFile = temp.Combine("child.pid");
        var result = await ScriptRunner.RunAsync("bash", ["-c", $"sleep 300 & echo $! > {pidFile}; echo done"], temp.Path, TimeSpan.FromMinutes(1), Token);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("stopped 1 background process", result.Output, StringComparison.Ordinal);
        Assert.True(result.Duration < TimeSpan.FromSeconds(20));
    }
}
