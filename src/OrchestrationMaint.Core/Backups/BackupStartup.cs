using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// Before any task can run: a restore the app did not finish (a crash mid-swap) is rolled back to the
/// old trees, half-written backups are removed, and the backups on disk are registered.
/// </summary>
public sealed class BackupStartup(BackupService backups, ILogger<BackupStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Each step on its own: a directory one of them cannot clean must not stop the others, or the app.
        Try("roll back an unfinished restore", () =>
        {
            foreach (var sentence in RestoreSwap.RecoverAll(backups.Root))
            {
                logger.LogWarning("{Recovery}", sentence);
            }
        });
        Try("remove half-written backups", () =>
        {
            foreach (var partial in backups.RemovePartialBackups())
            {
                logger.LogWarning("Removed {Partial}, a backup the last run of the app did not finish", partial);
            }
        });
        try
        {
            await backups.SyncAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A broken target must not stop the app: the Backups page says what is wrong.
            logger.LogWarning(ex, "Could not list the target's backups at start-up");
        }
    }

    private void Try(string what, Action step)
    {
        try
        {
            step();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "Could not {What} at start-up; fix the permissions in the target and restart", what);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
