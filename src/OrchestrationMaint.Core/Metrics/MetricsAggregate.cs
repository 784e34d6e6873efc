using System.Runtime.CompilerServices;
using System.Text;

namespace OrchestrationMaint.Core.Metrics;

/// <summary>
/// Everything the views need from the metrics file, kept per operation and UTC hour, so memory
/// grows with the hours and operations the file covers, never with its size: counts per status,
/// slow count, exact maximum and a 1 % duration histogram. The newest slow records and malformed
/// lines are kept in full, up to a fixed number. Not thread-safe: <see cref="MetricsEngine"/> locks.
/// </summary>
public sealed class MetricsAggregate
{
    /// <summary>Beyond this many distinct operation names (hostile or broken input) the rest share one row.</summary>
    public const int MaxOperations = 256;
    public const string OverflowOperation = "(other operations)";
    private const int ExcerptChars = 200;
    private const int KeptLineBytes = 16 * 1024;

    private readonly Dictionary<(long Hour, int Operation), Cell> _cells = [];
    private readonly Dictionary<long, long> _malformedByHour = [];
    private readonly List<string> _operations = [];
    private readonly Dictionary<string, int> _operationIndex = new(StringComparer.Ordinal);
    private readonly List<byte[]> _operationUtf8 = [];
    private readonly Cell?[] _lastCell = new Cell?[MaxOperations];
    private readonly long[] _lastHour = new long[MaxOperations];
    private readonly KeptRecordRing _recentSlow;
    private readonly KeptRecordRing _recentFailures;
    private readonly Queue<MalformedLine> _recentMalformed = new();
    private long _lastRecordHour = long.MinValue;

    public MetricsAggregate(int recentSlowCapacity = 10_000, int recentMalformedCapacity = 1_000)
    {
        RecentSlowCapacity = recentSlowCapacity;
        RecentMalformedCapacity = recentMalformedCapacity;
        _recentSlow = new KeptRecordRing(recentSlowCapacity);
        _recentFailures = new KeptRecordRing(recentSlowCapacity);
    }

    public int RecentSlowCapacity { get; }

    public int RecentMalformedCapacity { get; }

    public DateTimeOffset? LastRecordAt { get; private set; }

    /// <param name="line">The record's line, read again for its other fields only when it is kept in full (slow or failed).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRecord(in MetricScan scan, ReadOnlySpan<byte> line, long lineNumber, double slowThresholdSeconds)
    {
        var ticks = scan.Timestamp.UtcTicks;
        var hour = ticks - (ticks % TimeSpan.TicksPerHour);
        var operation = OperationIndex(scan.Operation);
        // Records arrive in time order: the previous cell of the same operation is nearly always the one.
        var cell = _lastCell[operation];
        if (cell is null || _lastHour[operation] != hour)
        {
            if (!_cells.TryGetValue((hour, operation), out cell))
            {
                _cells[(hour, operation)] = cell = new Cell();
            }

            _lastCell[operation] = cell;
            _lastHour[operation] = hour;
        }

        switch (scan.Status)
        {
            case MetricStatus.Success: cell.Successes++; break;
            case MetricStatus.Failure: cell.Failures++; break;
            default: cell.Other++; break;
        }

        var duration = scan.DurationSeconds;
        cell.Max = Math.Max(cell.Max, duration);
        cell.Durations.Add(duration);
        var slow = duration > slowThresholdSeconds;
        if (slow || scan.Status == MetricStatus.Failure)
        {
            // A kept record holds its line for the fields shown later, up to a bound, so 20,000 of them stay small.
            var status = StatusText(scan.StatusText);
            var kept = line.Length <= KeptLineBytes ? line : [];
            if (slow)
            {
                cell.Slow++;
                _recentSlow.Add(lineNumber, scan.Timestamp, _operations[operation], status, duration, kept);
            }

            if (scan.Status == MetricStatus.Failure)
            {
                _recentFailures.Add(lineNumber, scan.Timestamp, _operations[operation], status, duration, kept);
            }
        }

        _lastRecordHour = hour;
        if (LastRecordAt is null || scan.Timestamp > LastRecordAt)
        {
            LastRecordAt = scan.Timestamp;
        }
    }

    /// <summary>Counted in the hour of the record before it: a malformed line has no time of its own.</summary>
    public void AddMalformed(long lineNumber, string reason, ReadOnlySpan<byte> line)
    {
        _malformedByHour[_lastRecordHour] = _malformedByHour.GetValueOrDefault(_lastRecordHour) + 1;
        var excerpt = Encoding.UTF8.GetString(line[..Math.Min(line.Length, ExcerptChars * 4)]);
        Enqueue(_recentMalformed, new MalformedLine(lineNumber, reason, excerpt.Length > ExcerptChars ? excerpt[..ExcerptChars] + "…" : excerpt), RecentMalformedCapacity);
    }

    /// <summary>
    /// Takes in <paramref name="next"/>, which counted on its own the lines that directly follow this
    /// aggregate's, numbering them from 1. Afterwards this is exactly what counting all the lines in
    /// one pass gives: the same figures, kept records, line numbers and saved form. <paramref name="next"/>
    /// is spent: its cells become this one's.
    /// </summary>
    /// <param name="linesBefore">The lines this aggregate counted: added to <paramref name="next"/>'s line numbers.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Append(MetricsAggregate next, long linesBefore)
    {
        // Indexes are per aggregate. Next's names, taken in its order of first appearance, get the index
        // (or the overflow row) one pass would have given them.
        var operations = next._operations.Select(name => OperationIndex(name)).ToArray();
        foreach (var ((hour, operation), cell) in next._cells)
        {
            var key = (hour, operations[operation]);
            if (_cells.TryGetValue(key, out var mine))
            {
                mine.Add(cell);
            }
            else
            {
                _cells[key] = cell;
            }
        }

        // Malformed lines before next's first record belong to the hour of this one's last record.
        foreach (var (hour, count) in next._malformedByHour)
        {
            var key = hour == long.MinValue ? _lastRecordHour : hour;
            _malformedByHour[key] = _malformedByHour.GetValueOrDefault(key) + count;
        }

        if (next._lastRecordHour != long.MinValue)
        {
            _lastRecordHour = next._lastRecordHour;
        }

        if (next.LastRecordAt is { } last && (LastRecordAt is null || last > LastRecordAt))
        {
            LastRecordAt = last;
        }

        string Operation(string name) => _operations[operations[next._operationIndex[name]]];
        next._recentSlow.ForEach((number, timestamp, operation, status, duration, line) =>
            _recentSlow.Add(number + linesBefore, timestamp, Operation(operation), status, duration, line));
        next._recentFailures.ForEach((number, timestamp, operation, status, duration, line) =>
            _recentFailures.Add(number + linesBefore, timestamp, Operation(operation), status, duration, line));

        foreach (var malformed in next._recentMalformed)
        {
            Enqueue(_recentMalformed, malformed with { LineNumber = malformed.LineNumber + linesBefore }, RecentMalformedCapacity);
        }
    }

    /// <remarks>Optimised from the first call: the first one comes right after a cold ingestion, over every cell.</remarks>
    /// <param name="excludedHours">Hours (ticks of their UTC start) left out of every figure: maintenance windows, see <see cref="TimeRange.HoursTouched"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public MetricsSummary Summarize(MetricsWindow window, DateTimeOffset now, IReadOnlySet<long>? excludedHours = null)
    {
        var from = window.Start(now);
        var daily = window is MetricsWindow.Last30Days or MetricsWindow.All;
        // The dashboard's days are UTC days.
        return Summarize(window, from, from?.UtcTicks ?? long.MinValue, long.MaxValue, daily ? TimeSpan.TicksPerDay : TimeSpan.TicksPerHour, 0, excludedHours);
    }

    /// <summary>
    /// The figures of the whole hours in <paramref name="range"/> (its start and end are floored to UTC hours; the end
    /// excluded). Day buckets are 24 hours counted from the range's start, so a report's days are its own time zone's
    /// days (except across a daylight-saving change, where one bucket straddles midnight by an hour).
    /// </summary>
    public MetricsSummary Summarize(TimeRange range, SeriesBucket bucket, IReadOnlySet<long>? excludedHours = null)
    {
        var start = MetricsWindows.FloorHour(range.Start);
        var end = MetricsWindows.FloorHour(range.End);
        var summary = Summarize(MetricsWindow.All, start, start.UtcTicks, end.UtcTicks,
            bucket == SeriesBucket.Day ? TimeSpan.TicksPerDay : TimeSpan.TicksPerHour, start.UtcTicks, excludedHours);
        return summary with { To = end };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private MetricsSummary Summarize(MetricsWindow window, DateTimeOffset? from, long fromTicks, long toTicks, long bucketTicks, long bucketOrigin, IReadOnlySet<long>? excludedHours)
    {
        // Arrays, one Dictionary and plain loops rather than SortedDictionary and LINQ: the first call
        // comes right after a cold ingestion, and their generic code ran unoptimised for it (~20 ms).
        var totals = new Cell?[_operations.Count];
        var durations = new DurationHistogram?[_operations.Count];
        var series = new Dictionary<long, Cell>();
        foreach (var ((hour, operation), cell) in _cells)
        {
            if (hour < fromTicks || hour >= toTicks || excludedHours?.Contains(hour) == true)
            {
                continue;
            }

            (totals[operation] ??= new Cell()).AddCounts(cell);
            (durations[operation] ??= new DurationHistogram()).AddAll(cell.Durations);
            var bucket = hour - (((hour - bucketOrigin) % bucketTicks) + bucketTicks) % bucketTicks;
            if (!series.TryGetValue(bucket, out var point))
            {
                series[bucket] = point = new Cell();
            }

            point.AddCounts(cell);
        }

        var operations = new List<OperationStats>();
        var all = new Cell();
        for (var operation = 0; operation < totals.Length; operation++)
        {
            if (totals[operation] is { } operationTotals)
            {
                operations.Add(ToStats(_operations[operation], operationTotals, durations[operation]!));
                all.AddCounts(operationTotals);
            }
        }

        // Names are distinct, so this order is total and an unstable sort gives the same list.
        operations.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Operation, b.Operation));
        var buckets = series.Keys.ToArray();
        Array.Sort(buckets);
        var points = new List<SeriesPoint>(buckets.Length);
        foreach (var bucket in buckets)
        {
            var point = series[bucket];
            points.Add(new SeriesPoint(new DateTimeOffset(bucket, TimeSpan.Zero), point.Successes, point.Failures, point.Other, point.Slow));
        }

        long malformed = 0;
        foreach (var (hour, count) in _malformedByHour)
        {
            if (hour >= fromTicks && hour < toTicks && excludedHours?.Contains(hour) != true)
            {
                malformed += count;
            }
        }

        return new MetricsSummary(
            window,
            from,
            all.Successes + all.Failures + all.Other,
            all.Successes,
            all.Failures,
            all.Other,
            Rate(all.Successes, all.Failures),
            all.Slow,
            malformed,
            LastRecordAt,
            operations,
            points);
    }

    /// <summary>The newest slow records first; only the newest <see cref="RecentSlowCapacity"/> are kept in full.</summary>
    public IReadOnlyList<KeptRecord> RecentSlow(DateTimeOffset? from, string? operation, int limit, IReadOnlySet<long>? excludedHours = null) =>
        _recentSlow.NewestFirst(from, operation)
            .Where(r => excludedHours is null || !excludedHours.Contains(MetricsWindows.FloorHour(r.Timestamp).UtcTicks))
            .Take(limit)
            .ToList();

    /// <summary>The newest failure records first, optionally only those whose fields mention <paramref name="text"/>.</summary>
    public IReadOnlyList<KeptRecord> RecentFailures(DateTimeOffset? from, string? operation, string? text, int limit) =>
        _recentFailures.NewestFirst(from, operation)
            .Where(f => string.IsNullOrEmpty(text) || f.Fields.Values.Any(v => v.Contains(text, StringComparison.OrdinalIgnoreCase)))
            .Take(limit)
            .ToList();

    /// <summary>The slow records kept in full whose hour lies in <paramref name="range"/>, newest first.</summary>
    public IReadOnlyList<KeptRecord> KeptSlow(TimeRange range) => InRange(_recentSlow, range);

    /// <summary>The failure records kept in full whose hour lies in <paramref name="range"/>, newest first.</summary>
    public IReadOnlyList<KeptRecord> KeptFailures(TimeRange range) => InRange(_recentFailures, range);

    private static List<KeptRecord> InRange(KeptRecordRing ring, TimeRange range)
    {
        var start = MetricsWindows.FloorHour(range.Start);
        var end = MetricsWindows.FloorHour(range.End);
        return [.. ring.NewestFirst(start, null).Where(r => r.Timestamp < end)];
    }

    public IReadOnlyList<MalformedLine> RecentMalformed(int limit) => _recentMalformed.Reverse().Take(limit).ToList();

    private const int FormatVersion = 4;

    /// <summary>Saves everything, so a restart continues where reading stopped instead of rescanning.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(FormatVersion);
        writer.Write(LastRecordAt?.UtcTicks ?? long.MinValue);
        writer.Write(_lastRecordHour);
        writer.Write(_operations.Count);
        _operations.ForEach(writer.Write);
        writer.Write(_cells.Count);
        foreach (var ((hour, operation), cell) in _cells)
        {
            writer.Write(hour);
            writer.Write(operation);
            writer.Write(cell.Successes);
            writer.Write(cell.Failures);
            writer.Write(cell.Other);
            writer.Write(cell.Slow);
            writer.Write(cell.Max);
            var bins = cell.Durations.Bins.ToList();
            writer.Write(bins.Count);
            foreach (var (bin, count) in bins)
            {
                writer.Write(bin);
                writer.Write(count);
            }
        }

        writer.Write(_malformedByHour.Count);
        foreach (var (hour, count) in _malformedByHour)
        {
            writer.Write(hour);
            writer.Write(count);
        }

        WriteRecords(writer, _recentSlow);
        WriteRecords(writer, _recentFailures);

        writer.Write(_recentMalformed.Count);
        foreach (var malformed in _recentMalformed)
        {
            writer.Write(malformed.LineNumber);
            writer.Write(malformed.Reason);
            writer.Write(malformed.Excerpt);
        }
    }

    /// <returns>Null when the saved form is from another version: the caller rescans.</returns>
    public static MetricsAggregate? Read(BinaryReader reader, int recentSlowCapacity, int recentMalformedCapacity)
    {
        if (reader.ReadInt32() != FormatVersion)
        {
            return null;
        }

        var aggregate = new MetricsAggregate(recentSlowCapacity, recentMalformedCapacity);
        var last = reader.ReadInt64();
        aggregate.LastRecordAt = last == long.MinValue ? null : new DateTimeOffset(last, TimeSpan.Zero);
        aggregate._lastRecordHour = reader.ReadInt64();
        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            aggregate.OperationIndex(reader.ReadString());
        }

        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            var key = (reader.ReadInt64(), reader.ReadInt32());
            var cell = new Cell
            {
                Successes = reader.ReadInt64(),
                Failures = reader.ReadInt64(),
                Other = reader.ReadInt64(),
                Slow = reader.ReadInt64(),
                Max = reader.ReadDouble(),
            };
            for (var b = reader.ReadInt32(); b > 0; b--)
            {
                cell.Durations.Add(reader.ReadInt32(), reader.ReadInt64());
            }

            aggregate._cells[key] = cell;
        }

        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            aggregate._malformedByHour[reader.ReadInt64()] = reader.ReadInt64();
        }

        ReadRecords(reader, aggregate._recentSlow);
        ReadRecords(reader, aggregate._recentFailures);

        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            Enqueue(aggregate._recentMalformed, new MalformedLine(reader.ReadInt64(), reader.ReadString(), reader.ReadString()), recentMalformedCapacity);
        }

        return aggregate;
    }

    private static void WriteRecords(BinaryWriter writer, KeptRecordRing records)
    {
        writer.Write(records.Count);
        records.ForEach((number, timestamp, operation, status, duration, line) =>
        {
            writer.Write(number);
            writer.Write(timestamp.UtcTicks);
            writer.Write(operation);
            writer.Write(status);
            writer.Write(duration);
            writer.Write(line.Length);
            writer.Write(line);
        });
    }

    private static void ReadRecords(BinaryReader reader, KeptRecordRing records)
    {
        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            var lineNumber = reader.ReadInt64();
            var timestamp = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var operation = reader.ReadString();
            var status = reader.ReadString();
            var duration = reader.ReadDouble();
            var line = reader.ReadBytes(reader.ReadInt32());
            records.Add(lineNumber, timestamp, operation, status, duration, line);
        }
    }

    private static double? Rate(long successes, long failures) =>
        successes + failures == 0 ? null : 100.0 * successes / (successes + failures);

    private static OperationStats ToStats(string name, Cell totals, DurationHistogram durations)
    {
        var count = totals.Successes + totals.Failures + totals.Other;
        return new OperationStats(
            name,
            count,
            totals.Successes,
            totals.Failures,
            totals.Other,
            count == 0 ? null : 100.0 * totals.Failures / count,
            durations.Percentile(0.50, totals.Max),
            durations.Percentile(0.95, totals.Max),
            totals.Max,
            totals.Slow);
    }

    /// <summary>The status as written: the usual spellings share one string instead of one per kept record.</summary>
    private static string StatusText(ReadOnlySpan<byte> utf8) =>
        utf8.SequenceEqual("failure"u8) ? "failure" : utf8.SequenceEqual("success"u8) ? "success" : Encoding.UTF8.GetString(utf8);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int OperationIndex(ReadOnlySpan<byte> utf8)
    {
        // A target has a handful of operations: comparing bytes beats decoding and hashing a name per record.
        for (var i = 0; i < _operationUtf8.Count && i < 16; i++)
        {
            if (utf8.SequenceEqual(_operationUtf8[i]))
            {
                return i;
            }
        }

        return OperationIndex(Encoding.UTF8.GetString(utf8));
    }

    private int OperationIndex(string operation)
    {
        if (_operationIndex.TryGetValue(operation, out var index))
        {
            return index;
        }

        if (_operations.Count >= MaxOperations - 1)
        {
            operation = OverflowOperation;
            if (_operationIndex.TryGetValue(operation, out index))
            {
                return index;
            }
        }

        _operations.Add(operation);
        _operationUtf8.Add(Encoding.UTF8.GetBytes(operation));
        return _operationIndex[operation] = _operations.Count - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Enqueue<T>(Queue<T> queue, T item, int capacity)
    {
        if (capacity <= 0)
        {
            return;
        }

        if (queue.Count == capacity)
        {
            queue.Dequeue();
        }

        queue.Enqueue(item);
    }

    private sealed class Cell
    {
        public long Successes;
        public long Failures;
        public long Other;
        public long Slow;
        public double Max;
        public readonly DurationHistogram Durations = new();

        public void AddCounts(Cell other)
        {
            Successes += other.Successes;
            Failures += other.Failures;
            Other += other.Other;
            Slow += other.Slow;
            Max = Math.Max(Max, other.Max);
        }

        public void Add(Cell other)
        {
            AddCounts(other);
            Durations.AddAll(other.Durations);
        }
    }
}
