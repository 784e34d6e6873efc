using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Reports;
using OrchestrationMaint.Core.Tests.Scheduling;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Reports;

public sealed class DiskHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private const long GiB = 1024L * 1024 * 1024;

    private static DiskSample Sample(double days, long used, long total = 200 * GiB) => new() { At = Start.AddDays(days), UsedBytes = used, TotalBytes = total };

    [Fact]
    public void DiskGrowth_OneGibibyteADay_FillsWhenTheLineReachesTheSize()
    {
        var samples = Enumerable.Range(0, 24 * 7).Select(h => Sample(h / 24.0, 100 * GiB + (long)(GiB * h / 24.0))).ToList();

        var growth = DiskGrowth.Of(samples);

        Assert.Equal(DiskOutlook.Fills, growth.Outlook);
        Assert.Equal(GiB, growth.BytesPerDay!.Value, GiB * 1e-6);
        // 100 GiB used at day 0, 1 GiB a day, 200 GiB in all: full on day 100.
        Assert.Equal(Start.AddDays(100), growth.FullAt!.Value, TimeSpan.FromMinutes(1));
        Assert.Equal(samples[^1].UsedBytes - samples[0].UsedBytes, growth.GrowthBytes);
        Assert.Equal(168, growth.Samples);
    }

    [Fact]
    public void DiskGrowth_NoisySamples_SlopeIsTheLeastSquaresLineComputedByHand()
    {
        // Noise that alternates ±3 GiB around 2 GiB a day; the closed form over these points is computed here separately.
        var samples = Enumerable.Range(0, 10).Select(d => Sample(d, 50 * GiB + 2 * GiB * d + (d % 2 == 0 ? 3 : -3) * GiB)).ToList();
        double n = samples.Count, sx = 0, sy = 0, sxy = 0, sxx = 0;
        foreach (var s in samples)
        {
            var x = (s.At - Start).TotalDays;
            sx += x;
            sy += s.UsedBytes;
            sxy += x * s.UsedBytes;
            sxx += x * x;
        }

        var slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        var intercept = (sy - slope * sx) / n;

        var growth = DiskGrowth.Of(samples);

        Assert.Equal(slope, growth.BytesPerDay!.Value, Math.Abs(slope) * 1e-9);
        Assert.Equal(Start.AddDays((200 * GiB - intercept) / slope), growth.FullAt!.Value, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void DiskGrowth_TooFewFlatShrinkingOrFull_SaysSoInsteadOfADate()
    {
        Assert.Equal(DiskOutlook.NoData, DiskGrowth.Of([]).Outlook);
        Assert.Equal(DiskOutlook.NotEnoughSamples, DiskGrowth.Of([Sample(0, GiB), Sample(1, 2 * GiB)]).Outlook);
        Assert.Equal(DiskOutlook.NotEnoughSamples, DiskGrowth.Of([Sample(1, GiB), Sample(1, 2 * GiB), Sample(1, 3 * GiB)]).Outlook);
        var flat = DiskGrowth.Of([Sample(0, 5 * GiB), Sample(1, 5 * GiB), Sample(2, 5 * GiB)]);
        Assert.Equal((DiskOutlook.NotGrowing, (DateTimeOffset?)null, 0L), (flat.Outlook, flat.FullAt, flat.GrowthBytes!.Value));
        var shrinking = DiskGrowth.Of([Sample(0, 9 * GiB), Sample(1, 7 * GiB), Sample(2, 5 * GiB)]);
        Assert.Equal((DiskOutlook.NotGrowing, -4 * GiB), (shrinking.Outlook, shrinking.GrowthBytes!.Value));
        Assert.Equal(DiskOutlook.Full, DiskGrowth.Of([Sample(0, 190 * GiB), Sample(1, 199 * GiB), Sample(2, 200 * GiB)]).Outlook);
        Assert.Equal("−4 GiB", ReportFormat.SignedBytes(shrinking.GrowthBytes).Replace(',', '.'));
    }

    [Fact]
    public async Task DiskSampler_Sample_StoresTheTargetFileSystemAndDeletesSamplesPastRetention()
    {
        using var temp = new TempDirectory("om-disk");
        var root = temp.Combine("target");
        Directory.CreateDirectory(root);
        var database = await TestDatabase.MigratedAsync(temp.Combine("app.db"));
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));
        await using (var db = database.CreateDbContext())
        {
            db.DiskSamples.Add(new DiskSample { At = clock.Now.AddDays(-401), UsedBytes = 1, TotalBytes = 2 });
            db.DiskSamples.Add(new DiskSample { At = clock.Now.AddDays(-399), UsedBytes = 1, TotalBytes = 2 });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var sampler = new DiskSampler(TestTarget.Location(root, temp.Path), database, Options.Create(new ReportOptions()), clock, NullLogger<DiskSampler>.Instance);
        var sample = await sampler.SampleAsync(TestContext.Current.CancellationToken);

        var drive = new DriveInfo(root);
        Assert.NotNull(sample);
        Assert.Equal(drive.TotalSize, sample.TotalBytes);
        // Other processes write to the same file system meanwhile: within 64 MiB of what df would say.
        Assert.InRange(sample.UsedBytes, drive.TotalSize - drive.AvailableFreeSpace - 64L * 1024 * 1024, drive.TotalSize - drive.AvailableFreeSpace + 64L * 1024 * 1024);
        await using var check = database.CreateDbContext();
        var kept = await check.DiskSamples.OrderBy(s => s.At).Select(s => s.At).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([clock.Now.AddDays(-399), clock.Now], kept);

        Directory.Delete(root);
        Assert.Null(await sampler.SampleAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("00:00:00", 400, "Reports:DiskSampleInterval '00:00:00' must be from 00:01:00")]
    [InlineData("2.00:00:00", 400, "Reports:DiskSampleInterval '2.00:00:00' must be from 00:01:00")]
    [InlineData("01:00:00", 0, "Reports:DiskSampleRetentionDays 0 must be from 1 to 3650")]
    public void ReportOptionsValidator_ImpossibleSetting_FailsWithASentenceNamingIt(string interval, int days, string expected)
    {
        var result = new ReportOptionsValidator().Validate(null, new ReportOptions { DiskSampleInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture), DiskSampleRetentionDays = days });

        Assert.True(result.Failed);
        Assert.StartsWith(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ReportOptionsValidator().Validate(null, new ReportOptions()).Succeeded);
    }
}
