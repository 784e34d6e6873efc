using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Metrics;

public enum MetricsFileState
{
    NotChecked,
    Reading,
    Missing,
    NotAFile,
    Unreadable,
}

/// <summary>Kept slow and failed records of a time range; <paramref name="Capacity"/> is how many of each kind the engine keeps at most.</summary>
public sealed record KeptRecords(IReadOnlyList<KeptRecord> Slow, IReadOnlyList<KeptRecord> Failures, int Capacity);

public sealed record MetricsFileStatus(MetricsFileState State, string Message, long LinesRead, long Offset, DateTimeOffset CheckedAt);

/// <summary>
/// Follows the target's <c>logs/metrics.jsonl</c> and keeps its figures. The figures describe the
/// file as it is on disk: appended lines are read incrementally (twice a second by default);
/// when the path names another file (rotated or replaced: a new inode), the file shrank
/// (truncated) or the bytes before the point already read changed (rewritten), the figures are
/// recounted from the new content, so nothing is counted twice and nothing in the file is missed. A slow-threshold change recounts too, so that figure stays exact.
/// Position and figures are saved to the database, and a restart continues from there.
/// </summary>
public sealed class MetricsEngine(
    TargetLocation location,
    ThresholdService thresholds,
    IDbContextFactory<MaintenanceDbContext> contextFactory,
    IOptions<MetricsOptions> options,
    TimeProvider clock,
    ILogger<MetricsEngine> logger) : BackgroundService, IChangeSource
{
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(30);

    /// <summary>A file this big is recounted on all cores; below it, starting threads costs more than it saves.</summary>
    private const long ParallelRecountBytes = 8 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _firstPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MetricsLineReader _reader = new(options.Value.MaxLineBytes);
    private readonly Subscribers<bool> _subscribers = new(logger);
    private MetricsAggregate _aggregate = NewAggregate(options.Value);
    private FileIdentity? _identity;
    private byte[] _anchor = [];
    private double _slowThreshold = thresholds.Current.SlowOperationSeconds;
    private bool _dirty;
    private long _lastSave;

    public string FilePath => Path.Combine(location.Root, "logs", "metrics.jsonl");

    public MetricsFileStatus FileStatus { get; private set; } = new(MetricsFileState.NotChecked, "Not read yet.", 0, 0, DateTimeOffset.MinValue);

    public double SlowThresholdSeconds => _slowThreshold;

    /// <summary>Completes once the file has been looked at (and read) for the first time.</summary>
    public Task FirstPollCompleted => _firstPoll.Task;

    /// <param name="excluded">Time left out of the figures (maintenance windows), by whole hours: see <see cref="TimeRange.HoursTouched"/>.</param>
    public MetricsSummary Summarize(MetricsWindow window, IReadOnlyList<TimeRange>? excluded = null)
    {
        var hours = excluded is { Count: > 0 } ? TimeRange.HoursTouched(excluded) : null;
        lock (_gate)
        {
            return _aggregate.Summarize(window, clock.GetUtcNow(), hours);
        }
    }

    /// <summary>The figures of the whole UTC hours of <paramref name="range"/> (end excluded): what reports are made of.</summary>
    public MetricsSummary Summarize(TimeRange range, SeriesBucket bucket)
    {
        lock (_gate)
        {
            return _aggregate.Summarize(range, bucket);
        }
    }

    /// <summary>
    /// The slow and failed records of <paramref name="range"/> that are kept in full, newest first. Only the newest
    /// <see cref="KeptRecords.Capacity"/> of each kind are kept: compare with the exact counts of <see cref="Summarize(TimeRange, SeriesBucket)"/>
    /// to know whether these are all of them.
    /// </summary>
    public KeptRecords Kept(TimeRange range)
    {
        lock (_gate)
        {
            return new KeptRecords(_aggregate.KeptSlow(range), _aggregate.KeptFailures(range), _aggregate.RecentSlowCapacity);
        }
    }

    public IReadOnlyList<KeptRecord> SlowOperations(MetricsWindow window, string? operation, int limit, IReadOnlyList<TimeRange>? excluded = null)
    {
        var hours = excluded is { Count: > 0 } ? TimeRange.HoursTouched(excluded) : null;
        lock (_gate)
        {
            return _aggregate.RecentSlow(window.Start(clock.GetUtcNow()), operation, limit, hours);
        }
    }

    public IReadOnlyList<KeptRecord> Failures(MetricsWindow window, string? operation, string? text, int limit)
    {
        lock (_gate)
        {
            return _aggregate.RecentFailures(window.Start(clock.GetUtcNow()), operation, text, limit);
        }
    }

    public IReadOnlyList<MalformedLine> MalformedLines(int limit)
    {
        lock (_gate)
        {
            return _aggregate.RecentMalformed(limit);
        }
    }

    /// <summary>Called on a background thread after figures changed; dispose to stop.</summary>
    public IDisposable Subscribe(Action onChange) => _subscribers.Add(_ => onChange());

    /// <summary>Loads the thresholds and the saved position; <see cref="ExecuteAsync"/> does this before polling.</summary>
    public async Task StartReadingAsync(CancellationToken cancellationToken)
    {
        await thresholds.LoadAsync(cancellationToken);
        _slowThreshold = thresholds.Current.SlowOperationSeconds;
        await RestoreAsync(cancellationToken);
    }

    /// <summary>One look at the file: reads what was appended, or recounts after rotation, replacement or truncation.</summary>
    /// <returns>Whether the figures changed.</returns>
    public bool Poll()
    {
        try
        {
            return PollFile();
        }
        finally
        {
            _firstPoll.TrySetResult();
        }
    }

    private bool PollFile()
    {
        var path = FilePath;
        var identity = FileIdentity.Of(path);
        var now = clock.GetUtcNow();
        if (identity.Kind != FileKind.Regular)
        {
            var (state, message) = identity.Kind switch
            {
                FileKind.Missing => (MetricsFileState.Missing, "logs/metrics.jsonl does not exist: the scripts create it on their next run; until then there are no figures."),
                FileKind.Directory => (MetricsFileState.NotAFile, "logs/metrics.jsonl is a directory, not a file: move it away so the scripts can write their metrics."),
                _ => (MetricsFileState.NotAFile, "logs/metrics.jsonl is a FIFO, socket or device, not a regular file: it is not read (that could block). Replace it with a regular file."),
            };
            FileStatus = new MetricsFileStatus(state, message, 0, 0, now);
            if (_identity is null)
            {
                return false;
            }

            logger.LogWarning("The metrics file {Path} is gone or not a file any more: {Message}", path, message);
            lock (_gate)
            {
                _aggregate = NewAggregate(options.Value);
                _reader = new MetricsLineReader(options.Value.MaxLineBytes);
                _identity = null;
                _anchor = [];
            }

            return true;
        }

        var slowThreshold = thresholds.Current.SlowOperationSeconds;
        bool changed;
        try
        {
            // One open per poll: the anchor check, a recount and the appended lines all use this stream.
            using var stream = Open(path);
            var reason = _identity is not { } known ? null
                : slowThreshold != _slowThreshold ? "the slow-operation threshold changed"
                : !identity.IsSameFileAs(known) ? "the file was rotated or replaced"
                : identity.Size < _reader.Offset ? "the file was truncated"
                : !ReadAnchor(stream, _reader.Offset).AsSpan().SequenceEqual(_anchor) ? "the file was rewritten before the point already read"
                : "";
            if (reason != "")
            {
                if (reason is not null)
                {
                    logger.LogInformation("Recounting {Path}: {Reason}", path, reason);
                }

                Recount(stream, identity, slowThreshold);
                changed = true;
            }
            else
            {
                changed = ReadAppended(stream);
            }

            FileStatus = new MetricsFileStatus(MetricsFileState.Reading, "Reading logs/metrics.jsonl.", _reader.LinesRead, _reader.Offset, now);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A failed recount leaves the figures (and the threshold they were counted with) as they were; next poll tries again.
            FileStatus = new MetricsFileStatus(MetricsFileState.Unreadable, $"logs/metrics.jsonl cannot be read: {ex.Message} Give the app's user read access to it.", _reader.LinesRead, _reader.Offset, now);
            return false;
        }

        if (changed)
        {
            _dirty = true;
            _subscribers.Notify(true);
        }

        return changed;
    }

    /// <summary>Counts the whole file afresh off the lock, then swaps it in whole: readers never see half a recount.</summary>
    private void Recount(FileStream stream, FileIdentity identity, double slowThreshold)
    {
        var parts = stream.Length > ParallelRecountBytes ? Environment.ProcessorCount : 1;
        var (fresh, reader) = Count(stream.SafeFileHandle, stream.Length, parts, options.Value, slowThreshold);
        var anchor = ReadAnchor(stream, reader.Offset);
        lock (_gate)
        {
            _aggregate = fresh;
            _reader = reader;
            _identity = identity;
            _slowThreshold = slowThreshold;
            _anchor = anchor;
        }
    }

    /// <summary>
    /// Counts a file from its start in up to <paramref name="parts"/> parts split at line starts, each
    /// on its own thread with its own bounded reader and aggregate, then joins them in file order: the
    /// result is exactly what one pass over the file gives (figures, kept records, line numbers).
    /// </summary>
    /// <param name="length">The size the split is based on; the last part reads on to the end of the file, as one pass would.</param>
    internal static (MetricsAggregate Aggregate, MetricsLineReader Reader) Count(SafeFileHandle file, long length, int parts, MetricsOptions options, double slowThreshold)
    {
        var starts = PartStarts(file, length, parts);
        var aggregates = new MetricsAggregate[starts.Count];
        var readers = new MetricsLineReader[starts.Count];
        try
        {
            // The calling thread counts one part itself, so this never waits for the thread pool to grow.
            Parallel.For(0, starts.Count, new ParallelOptions { MaxDegreeOfParallelism = starts.Count }, part =>
            {
                var aggregate = aggregates[part] = NewAggregate(options);
                var reader = readers[part] = new MetricsLineReader(options.MaxLineBytes);
                reader.Reset(starts[part], 0);
                reader.ReadRange(
                    file,
                    part + 1 < starts.Count ? starts[part + 1] : long.MaxValue,
                    [MethodImpl(MethodImplOptions.AggressiveOptimization)] (line, number, oversized) => CountLine(aggregate, line, number, oversized, slowThreshold, options.MaxLineBytes));
            });
        }
        catch (AggregateException ex)
        {
            // The caller handles a failed read (IOException and the like) as it would from one thread.
            ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
        }

        // Each part numbered its lines from 1: they follow the lines of the parts before.
        var lines = readers[0].LinesRead;
        for (var part = 1; part < starts.Count; part++)
        {
            aggregates[0].Append(aggregates[part], lines);
            lines += readers[part].LinesRead;
        }

        var last = readers[^1];
        last.Reset(last.Offset, lines);
        return (aggregates[0], last);
    }

    /// <summary>Where each part starts: 0, then the first line start at or after each even split (fewer parts when lines are long).</summary>
    private static List<long> PartStarts(SafeFileHandle file, long length, int parts)
    {
        var starts = new List<long> { 0 };
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            for (var part = 1; part < parts; part++)
            {
                var position = Math.Max(starts[^1], length * part / parts);
                while (position < length)
                {
                    var read = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - position)), position);
                    if (read == 0)
                    {
                        position = length;
                        break;
                    }

                    var newline = buffer.AsSpan(0, read).IndexOf((byte)'\n');
                    position += newline < 0 ? read : newline + 1;
                    if (newline >= 0)
                    {
                        break;
                    }
                }

                if (position >= length)
                {
                    break;
                }

                if (position > starts[^1])
                {
                    starts.Add(position);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return starts;
    }

    /// <summary>Adds the lines appended since the last poll to the live figures.</summary>
    private bool ReadAppended(FileStream stream)
    {
        if (stream.Length <= _reader.Offset)
        {
            return false;
        }

        var live = _aggregate;
        // One lock for a batch of lines, not one per line; OnAppendedLine lets readers in every few thousand.
        _gate.Enter();
        try
        {
            if (_reader.ReadAppended(stream, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (line, number, oversized) => OnAppendedLine(live, line, number, oversized)) == 0)
            {
                return false;
            }

            _anchor = ReadAnchor(stream, _reader.Offset);
            return true;
        }
        finally
        {
            _gate.Exit();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await StartReadingAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds), clock);
        do
        {
            try
            {
                Poll();
                if (_dirty && clock.GetElapsedTime(_lastSave) >= SaveInterval)
                {
                    await SaveAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Never let one bad poll stop the figures for good: log it and look again next tick.
                logger.LogError(ex, "Reading {Path} failed", FilePath);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!_dirty)
        {
            return;
        }

        try
        {
            await SaveAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            // Best effort: shutdown must not fail over it, and the next start at worst reads from the last periodic save.
            logger.LogWarning(ex, "Could not save the metrics position at shutdown");
        }
    }

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        byte[] blob;
        MetricsState state;
        lock (_gate)
        {
            if (_identity is not { } identity)
            {
                return;
            }

            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            using (var writer = new BinaryWriter(gzip))
            {
                _aggregate.Write(writer);
            }

            blob = buffer.ToArray();
            state = new MetricsState
            {
                FilePath = FilePath,
                Device = (long)identity.Device,
                Inode = (long)identity.Inode,
                Offset = _reader.Offset,
                LinesRead = _reader.LinesRead,
                SlowThresholdSeconds = _slowThreshold,
                SavedAt = clock.GetUtcNow(),
                Aggregate = blob,
                Anchor = _anchor,
            };
            _dirty = false;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.MetricsStates.SingleOrDefaultAsync(s => s.Id == MetricsState.SingletonId, cancellationToken);
        if (existing is null)
        {
            db.MetricsStates.Add(state);
        }
        else
        {
            db.Entry(existing).CurrentValues.SetValues(state);
        }

        await db.SaveChangesAsync(cancellationToken);
        _lastSave = clock.GetTimestamp();
    }

    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var saved = await db.MetricsStates.AsNoTracking().SingleOrDefaultAsync(s => s.Id == MetricsState.SingletonId, cancellationToken);
        var identity = FileIdentity.Of(FilePath);
        if (saved is null || saved.FilePath != FilePath || saved.SlowThresholdSeconds != _slowThreshold
            || identity.Kind != FileKind.Regular || (long)identity.Device != saved.Device || (long)identity.Inode != saved.Inode || identity.Size < saved.Offset)
        {
            return;
        }

        using (var file = Open(FilePath))
        {
            if (!ReadAnchor(file, saved.Offset).AsSpan().SequenceEqual(saved.Anchor ?? []))
            {
                return;
            }
        }

        using var gzip = new GZipStream(new MemoryStream(saved.Aggregate), CompressionMode.Decompress);
        using var reader = new BinaryReader(gzip);
        var aggregate = MetricsAggregate.Read(reader, options.Value.RecentSlowCapacity, options.Value.RecentMalformedCapacity);
        if (aggregate is null)
        {
            return;
        }

        lock (_gate)
        {
            _aggregate = aggregate;
            _identity = identity;
            _reader.Reset(saved.Offset, saved.LinesRead);
            _anchor = saved.Anchor ?? [];
        }

        logger.LogInformation("Continuing {Path} from line {Line} (byte {Offset}) saved at {SavedAt:u}", FilePath, saved.LinesRead + 1, saved.Offset, saved.SavedAt);
    }

    /// <summary>Adds to the live figures under <see cref="_gate"/>, letting waiting readers in now and then.</summary>
    private void OnAppendedLine(MetricsAggregate aggregate, ReadOnlySpan<byte> line, long lineNumber, bool isOversized)
    {
        if ((lineNumber & 0x1FFF) == 0)
        {
            _gate.Exit();
            _gate.Enter();
        }

        CountLine(aggregate, line, lineNumber, isOversized, _slowThreshold, options.Value.MaxLineBytes);
    }

    /// <summary>Fully optimised from the first line: a cold file is read in one go. Never throws for any content.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountLine(MetricsAggregate aggregate, ReadOnlySpan<byte> line, long lineNumber, bool isOversized, double slowThreshold, int maxLineBytes)
    {
        if (isOversized)
        {
            aggregate.AddMalformed(lineNumber, $"longer than {maxLineBytes} bytes", line);
            return;
        }

        if (line.EndsWith("\r"u8))
        {
            line = line[..^1];
        }

        try
        {
            var outcome = MetricLineParser.Scan(line, out var scan, out var error);
            if (outcome == ScanOutcome.Record)
            {
                aggregate.AddRecord(scan, line, lineNumber, slowThreshold);
            }
            else if (outcome == ScanOutcome.Malformed)
            {
                aggregate.AddMalformed(lineNumber, error!, line);
            }
        }
        catch (Exception ex)
        {
            // The parser turns known bad input into reasons; anything else must not stall the file at this line.
            aggregate.AddMalformed(lineNumber, $"could not be read ({ex.GetType().Name})", line);
        }
    }

    /// <summary>
    /// Up to 64 bytes ending at <paramref name="offset"/>. A file truncated and written again past the
    /// old offset between two polls (or an inode reused across a restart) keeps identity and size,
    /// but not these bytes.
    /// </summary>
    private static byte[] ReadAnchor(Stream stream, long offset)
    {
        var length = (int)Math.Min(64, offset);
        var anchor = new byte[length];
        stream.Seek(offset - length, SeekOrigin.Begin);
        stream.ReadAtLeast(anchor, length, throwOnEndOfStream: false);
        return anchor;
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);

    private static MetricsAggregate NewAggregate(MetricsOptions options) => new(options.RecentSlowCapacity, options.RecentMalformedCapacity);
}
