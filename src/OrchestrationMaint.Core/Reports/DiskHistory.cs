using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Health.Checks;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Reports;

/// <summary>The target's file system at one moment (the seed's <c>df -h .</c>), for growth and fill forecasts.</summary>
public sealed class DiskSample
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public long UsedBytes { get; set; }

    public long TotalBytes { get; set; }
}

public sealed class ReportOptions
{
    public const string SectionName = "Reports";

    /// <summary>How often the target's file system is sampled.</summary>
    public TimeSpan DiskSampleInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Samples older than this are deleted: 400 days covers a quarterly report and the quarter before it, and a year's trend.</summary>
    public int DiskSampleRetentionDays { get; set; } = 400;
}

/// <summary>A bad setting stops the app with a sentence, not a timer exception later.</summary>
public sealed class ReportOptionsValidator : IValidateOptions<ReportOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportOptions options)
    {
        var errors = new List<string>();
        if (options.DiskSampleInterval < TimeSpan.FromMinutes(1) || options.DiskSampleInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"Reports:DiskSampleInterval '{options.DiskSampleInterval}' must be from 00:01:00 to 1.00:00:00 (hourly, 01:00:00, is the default).");
        }

        if (options.DiskSampleRetentionDays is < 1 or > 3650)
        {
            errors.Add($"Reports:DiskSampleRetentionDays {options.DiskSampleRetentionDays} must be from 1 to 3650 days (400 is the default).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// Samples the target's file system every hour (and at start-up when the last sample is older than that), keeping
/// <see cref="ReportOptions.DiskSampleRetentionDays"/> of history. A target that cannot be measured is skipped, not recorded as zero.
/// </summary>
public sealed class DiskSampler(TargetLocation location, IDbContextFactory<MaintenanceDbContext> contextFactory, IOptions<ReportOptions> options,
    TimeProvider clock, ILogger<DiskSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.DiskSampleInterval;
        try
        {
            // A restart does not add a burst of samples: the hourly rhythm goes on.
            if (await LastSampleAtAsync(stoppingToken) is not { } last || clock.GetUtcNow() - last >= interval)
            {
                await SampleAsync(stoppingToken);
            }

            using var timer = new PeriodicTimer(interval, clock);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SampleAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Null also when the database cannot say (then a sample is taken): a start-up hiccup must not stop the app.</summary>
    private async Task<DateTimeOffset?> LastSampleAtAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            return await db.DiskSamples.OrderByDescending(s => s.At).Select(s => (DateTimeOffset?)s.At).FirstOrDefaultAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not read the last disk sample; taking one now");
            return null;
        }
    }

    /// <returns>The stored sample, or null when the target's file system could not be measured.</returns>
    public async Task<DiskSample?> SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var root = location.Root;
            if (!Directory.Exists(root))
            {
                return null;
            }

            var (_, total, free, _) = DiskMeasurements.FileSystem(root);
            var now = clock.GetUtcNow();
            var sample = new DiskSample { At = now, UsedBytes = total - free, TotalBytes = total };
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            db.DiskSamples.Add(sample);
            await db.SaveChangesAsync(cancellationToken);
            var cutoff = now.AddDays(-options.Value.DiskSampleRetentionDays);
            await db.DiskSamples.Where(s => s.At < cutoff).ExecuteDeleteAsync(cancellationToken);
            return sample;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or DbUpdateException or Microsoft.Data.Sqlite.SqliteException)
        {
            logger.LogWarning(ex, "Could not sample the target's disk usage");
            return null;
        }
    }
}

public enum DiskOutlook
{
    NoData,
    NotEnoughSamples,
    NotGrowing,
    Fills,
    Full,
}

/// <summary>
/// The file system's use over a period: first and last sample, growth, and where a least-squares line through
/// the samples reaches the file system's size.
/// </summary>
public sealed record DiskGrowth(
    int Samples,
    DateTimeOffset? FirstAt,
    DateTimeOffset? LastAt,
    long? FirstUsedBytes,
    long? LastUsedBytes,
    long? TotalBytes,
    long? GrowthBytes,
    double? BytesPerDay,
    DiskOutlook Outlook,
    DateTimeOffset? FullAt)
{
    /// <summary>Fewer samples than this (or all at one instant) say nothing about a trend.</summary>
    public const int MinimumSamples = 3;

    public static DiskGrowth Of(IReadOnlyList<DiskSample> samples)
    {
        if (samples.Count == 0)
        {
            return new(0, null, null, null, null, null, null, null, DiskOutlook.NoData, null);
        }

        var ordered = samples.OrderBy(s => s.At).ToList();
        var (first, last) = (ordered[0], ordered[^1]);
        var growth = last.UsedBytes - first.UsedBytes;
        if (last.UsedBytes >= last.TotalBytes && last.TotalBytes > 0)
        {
            return new(ordered.Count, first.At, last.At, first.UsedBytes, last.UsedBytes, last.TotalBytes, growth, null, DiskOutlook.Full, last.At);
        }

        // x in days since the first sample, y in bytes: doubles keep terabytes and years exact enough.
        var xs = ordered.Select(s => (s.At - first.At).TotalDays).ToArray();
        var ys = ordered.Select(s => (double)s.UsedBytes).ToArray();
        double meanX = xs.Average(), meanY = ys.Average();
        double sxx = 0, sxy = 0;
        for (var i = 0; i < xs.Length; i++)
        {
            sxx += (xs[i] - meanX) * (xs[i] - meanX);
            sxy += (xs[i] - meanX) * (ys[i] - meanY);
        }

        if (ordered.Count < MinimumSamples || sxx <= 0)
        {
            return new(ordered.Count, first.At, last.At, first.UsedBytes, last.UsedBytes, last.TotalBytes, growth, null, DiskOutlook.NotEnoughSamples, null);
        }

        var slope = sxy / sxx;
        if (slope <= 0)
        {
            return new(ordered.Count, first.At, last.At, first.UsedBytes, last.UsedBytes, last.TotalBytes, growth, slope, DiskOutlook.NotGrowing, null);
        }

        var intercept = meanY - slope * meanX;
        // Never before the last sample: the line may say "already full" while the disk is not.
        var fullDays = Math.Max((last.TotalBytes - intercept) / slope, xs[^1]);
        var fullAt = fullDays > 365.0 * 100 ? (DateTimeOffset?)null : first.At + TimeSpan.FromDays(fullDays);
        return new(ordered.Count, first.At, last.At, first.UsedBytes, last.UsedBytes, last.TotalBytes, growth, slope,
            fullAt is null ? DiskOutlook.NotGrowing : DiskOutlook.Fills, fullAt);
    }
}
