using System.Text;
using OrchestrationMaint.Core.Logs;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Logs;

public sealed class LogTailTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string LogPath => _temp.Combine("performance.log");

    private void Write(string text, bool append = true)
    {
        if (append)
        {
            File.AppendAllText(LogPath, text);
        }
        else
        {
            File.WriteAllText(LogPath, text);
        }
    }

    [Fact]
    public void ReadTail_LargeFile_ReturnsTheLastLinesInOrder()
    {
        using (var writer = new StreamWriter(LogPath))
        {
            for (var i = 1; i <= 200_000; i++)
            {
                writer.Write($"2026-11-28 09:00:00 [INFO] line {i}\n");
            }
        }

        var tail = new LogTail(LogPath).ReadTail(3);

        Assert.Equal(["2026-11-28 09:00:00 [INFO] line 199998", "2026-11-28 09:00:00 [INFO] line 199999", "2026-11-28 09:00:00 [INFO] line 200000"], tail);
    }

    [Fact]
    public void ReadAppended_AfterTheTail_ReturnsOnlyCompleteNewLines()
    {
        Write("a\nb\n", append: false);
        var tail = new LogTail(LogPath);
        Assert.Equal(["a", "b"], tail.ReadTail(10));

        Write("c\r\nd");
        Assert.Equal(["c"], tail.ReadAppended(10));
        Write("\n");
        Assert.Equal(["d"], tail.ReadAppended(10));
        Assert.Empty(tail.ReadAppended(10));
    }

    [Fact]
    public void ReadAppended_FileTruncatedOrReplaced_StartsAgainFromTheNewTail()
    {
        Write("old 1\nold 2\nold 3\n", append: false);
        var tail = new LogTail(LogPath);
        tail.ReadTail(10);

        Write("new 1\n", append: false);

        Assert.Equal(["new 1"], tail.ReadAppended(10));
    }

    [Fact]
    public void ReadAppended_FileReplacedByALargerOne_StartsFromTheNewFile()
    {
        Write("old 1\n", append: false);
        var tail = new LogTail(LogPath);
        tail.ReadTail(10);

        File.WriteAllText(LogPath + ".new", "new 1\nnew 2\nnew 3\n");
        File.Move(LogPath + ".new", LogPath, overwrite: true);

        Assert.Equal(["new 1", "new 2", "new 3"], tail.ReadAppended(10));
    }

    [Fact]
    public void ReadTailAndAppended_HugeLine_AreCutNotLoaded()
    {
        Write("first\n" + new string('x', 10 * 1024 * 1024) + "\nlast\n", append: false);
        var tail = new LogTail(LogPath);

        var lines = tail.ReadTail(5);
        Write(new string('y', 3 * 1024 * 1024) + "\nafter\n");
        var appended = tail.ReadAppended(5);

        Assert.Equal("last", lines[^1]);
        Assert.All(lines, l => Assert.True(l.Length <= LogTail.MaxLineChars + 1));
        Assert.Equal(2, appended.Count);
        Assert.Equal(LogTail.MaxLineChars + 1, appended[0].Length);
        Assert.Equal("after", appended[1]);
    }

    [Fact]
    public void Search_WholeFile_ReturnsTheNewestMatchesWithLineNumbers()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= 1000; i++)
        {
            text.Append(i % 100 == 0 ? $"[ERROR] failure {i}\n" : $"[INFO] ok {i}\n");
        }

        Write(text.ToString(), append: false);

        var matches = new LogTail(LogPath).Search("error", 3, TestContext.Current.CancellationToken);

        Assert.Equal([(1000L, "[ERROR] failure 1000"), (900L, "[ERROR] failure 900"), (800L, "[ERROR] failure 800")], matches);
    }

    [Fact]
    public void ReadTail_MissingFile_IsEmpty()
    {
        Assert.Empty(new LogTail(LogPath).ReadTail(10));
        Assert.Empty(new LogTail(LogPath).ReadAppended(10));
    }

    public void Dispose() => _temp.Dispose();
}
