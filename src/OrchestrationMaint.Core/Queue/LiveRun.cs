using Microsoft.Extensions.Logging;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Queue;

/// <summary>
/// A running run's output and progress in memory, for its page to follow live. A watcher is added
/// and handed the lines so far under one lock, so it sees every line exactly once (Aspire's
/// register-then-snapshot rule). Output is capped; the cap is marked in the output itself.
/// </summary>
public sealed class LiveRun(int outputCap, ILogger logger) : IDisposable
{
    private readonly List<string> _lines = [];
    private readonly Subscribers<string?> _watchers = new(logger);
    private int _chars;
    private int _persistedLines;

    public bool Exclusive { get; init; }

    public bool Truncated { get; private set; }

    public double? Progress { get; private set; }

    public CancellationTokenSource Cancellation { get; } = new();

    public string? CancelledBy { get; set; }

    public int LineCount
    {
        get
        {
            lock (_lines)
            {
                return _lines.Count;
            }
        }
    }

    public void Append(string line)
    {
        lock (_lines)
        {
            if (Truncated)
            {
                return;
            }

            if (_chars + line.Length + 1 > outputCap || line == ScriptRunner.TruncatedMark)
            {
                // Cut here, or by the script runner's own cap: either way the run says so.
                Truncated = true;
                line = ScriptRunner.TruncatedMark;
            }

            _lines.Add(line);
            _chars += line.Length + 1;
            _watchers.Notify(line);
        }
    }

    public void ReportProgress(double fraction)
    {
        Progress = fraction;
        _watchers.Notify(null);
    }

    /// <summary>Adds a watcher and returns the lines so far; the watcher gets every later line, and null for a progress change.</summary>
    public IDisposable Watch(Action<string?> onLine, out IReadOnlyList<string> linesSoFar)
    {
        lock (_lines)
        {
            linesSoFar = [.. _lines];
            return _watchers.Add(onLine);
        }
    }

    public string Text
    {
        get
        {
            lock (_lines)
            {
                return _lines.Count == 0 ? "" : string.Join('\n', _lines) + "\n";
            }
        }
    }

    /// <summary>True when lines arrived since the last call: the queue saves output only then.</summary>
    public bool TakeUnsaved()
    {
        lock (_lines)
        {
            var changed = _lines.Count != _persistedLines;
            _persistedLines = _lines.Count;
            return changed;
        }
    }

    public void Dispose() => Cancellation.Dispose();
}
