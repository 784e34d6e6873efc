using System.Collections.Concurrent;

namespace OrchestrationMaint.Web.Components;

/// <summary>
/// The runs started from one browser tab (one circuit), so that tab, and only it, gets a snackbar when
/// they finish.
/// </summary>
public sealed class CircuitRuns
{
    /// <summary>Who the UI acts as until sign-in exists; the auth issue replaces this with the signed-in user's name.</summary>
    public const string UserName = "operator";

    private readonly ConcurrentDictionary<long, bool> _runs = new();

    public void Track(long runId) => _runs.TryAdd(runId, true);

    /// <summary>True once for a tracked run: the caller announces it, and it is forgotten.</summary>
    public bool Finish(long runId) => _runs.TryRemove(runId, out _);
}
