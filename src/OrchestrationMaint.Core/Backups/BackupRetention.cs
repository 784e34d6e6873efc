namespace OrchestrationMaint.Core.Backups;

/// <summary>Which backups retention removes: beyond the newest N and older than D days, never the newest verified one, never one outside backups/.</summary>
public static class BackupRetention
{
    public static IReadOnlyList<BackupRecord> Plan(IReadOnlyList<BackupRecord> backups, int keepNewest, int keepDays, DateTimeOffset now)
    {
        var ours = backups.Where(b => b.RelativePath.StartsWith("backups/", StringComparison.Ordinal) && b.Status != BackupStatus.Missing)
            .OrderByDescending(b => b.CreatedAt).ToList();
        var lastVerified = backups.Where(b => b.Status == BackupStatus.Verified).MaxBy(b => b.CreatedAt);
        return ours.Skip(keepNewest)
            .Where(b => b.CreatedAt < now.AddDays(-keepDays) && b != lastVerified)
            .ToList();
    }
}
