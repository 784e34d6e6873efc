using Microsoft.EntityFrameworkCore;

namespace OrchestrationMaint.Core.Persistence;

/// <summary>Reads and writes <see cref="AppSetting"/> rows, one short-lived context per call.</summary>
public sealed class SettingsStore(IDbContextFactory<MaintenanceDbContext> contextFactory, TimeProvider clock)
{
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var setting = await db.Settings.AsNoTracking().SingleOrDefaultAsync(s => s.Key == key, cancellationToken);
        return setting?.Value;
    }

    public async Task SetAsync(string key, string value, string updatedBy, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var setting = await db.Settings.SingleOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (setting is null)
        {
            setting = new AppSetting { Key = key, Value = value };
            db.Settings.Add(setting);
        }

        setting.Value = value;
        setting.UpdatedAt = clock.GetUtcNow();
        setting.UpdatedBy = updatedBy;
        await db.SaveChangesAsync(cancellationToken);
    }
}
