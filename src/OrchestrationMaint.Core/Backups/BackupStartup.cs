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
        try
        {
            foreach (var sentence in RestoreSwap.RecoverAll(backups.Root))
            {
                logger.LogWarning("{Recovery}", sentence);
            }

            foreach (var partial in backups.RemovePartialBackups())
            {
                logger.LogWarning("Removed {Partial}, a backup the last run of the app did not finish", partial);
            }

            await backups.SyncAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A broken target must not stop the app: the Backups page says what is wrong.
            logger.LogWarning(ex, "Could not look at the target's backups at start-up");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
