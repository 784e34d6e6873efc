namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// Which backups retention removes: per kind, beyond the newest N and older than D days, never the
/// newest verified one of that kind (daily config snapshots must not push out the last system-state
/// archive), never one outside backups/.
/// </summary>
public static class BackupRetention
{
    public static IReadOnlyList<BackupRecord> Plan(IReadOnlyList<BackupRecord> backups, int keepNewest, int keepDays, DateTimeOffset now) =>
        [.. backups.GroupBy(b => b.Kind).SelectMany(kind =>
        {
            var lastVerified = kind.Where(b => b.Status == BackupStatus.Verified).MaxBy(b => b.CreatedAt);
            return kind.Where(b => b.RelativePath.StartsWith("backups/", StringComparison.Ordinal) && b.Status != BackupStatus.Missing)
                .OrderByDescending(b => b.CreatedAt)
                .Skip(keepNewest)
                .Where(b => b.CreatedAt < now.AddDays(-keepDays) && b != lastVerified);
        }).OrderBy(b => b.CreatedAt)];
}
