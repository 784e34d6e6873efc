using System.Threading.Channels;
using OrchestrationMaint.Core.Target;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Target;

public sealed class TargetStatusMonitorTests
{
    [Fact]
    public async Task Refresh_LayoutChanged_NotifiesSubscribersUntilTheyDispose()
    {
        using var temp = new TempDirectory();
        var monitor = TestTarget.Monitor(temp.Path);
        _ = monitor.Current;
        var seen = Channel.CreateUnbounded<TargetStatus>();
        var subscription = monitor.Subscribe(status => seen.Writer.TryWrite(status));

        monitor.Refresh();
        Assert.False(seen.Reader.TryRead(out _), "an unchanged target must not notify");

        Directory.CreateDirectory(temp.Combine(".git"));
        monitor.Refresh();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var changed = await seen.Reader.ReadAsync(timeout.Token);
        Assert.Equal(EntryState.Present, changed.Entries.Single(e => e.Entry.Path == ".git").State);

        subscription.Dispose();
        Directory.CreateDirectory(temp.Combine("backups"));
        monitor.Refresh();
        Assert.False(seen.Reader.TryRead(out _), "a disposed subscription must not be called");
    }

    [Fact]
    public void Refresh_SubscriberThrows_OtherSubscribersStillHearOfTheChange()
    {
        using var temp = new TempDirectory();
        var monitor = TestTarget.Monitor(temp.Path);
        _ = monitor.Current;
        var heard = 0;
        using var broken = monitor.Subscribe(_ => throw new InvalidOperationException("broken page"));
        using var working = monitor.Subscribe(_ => heard++);

        Directory.CreateDirectory(temp.Combine("backups"));
        monitor.Refresh();

        Assert.Equal(1, heard);
    }
}
