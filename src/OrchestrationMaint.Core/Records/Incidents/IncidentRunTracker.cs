using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrchestrationMaint.Core.Queue;

namespace OrchestrationMaint.Core.Records.Incidents;

/// <summary>
/// Writes "run finished" on the timeline of every incident a run is linked to, whether or not anyone
/// has the incident open. Runs that ended while the app was down (or interrupted by the stop) are
/// caught up at start-up; the queue marks those before this starts.
/// </summary>
public sealed class IncidentRunTracker(TaskQueue queue, IncidentService incidents, ILogger<IncidentRunTracker> logger) : BackgroundService
{
    private readonly Channel<long> _finished = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribe before catching up: a run finishing in between is then recorded by one or the
        // other, and recording is idempotent.
        using var subscription = queue.Subscribe(change =>
        {
            if (change.State is not (RunState.Queued or RunState.Running))
            {
                _finished.Writer.TryWrite(change.RunId);
            }
        });
        try
        {
            foreach (var runId in await incidents.RunsAwaitingFinishAsync(stoppingToken))
            {
                _finished.Writer.TryWrite(runId);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not look for incident runs that finished while the app was stopped");
        }

        await foreach (var runId in _finished.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await incidents.RecordRunFinishedAsync(runId, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not record the end of run {RunId} on its incidents", runId);
            }
        }
    }
}
