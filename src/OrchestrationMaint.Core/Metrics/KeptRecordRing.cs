using System.Runtime.CompilerServices;

namespace OrchestrationMaint.Core.Metrics;

/// <summary>
/// The newest records kept in full (slow or failed), up to a capacity, in fixed slots that are
/// overwritten in place, each reusing its line buffer when the new line fits. A queue of
/// <see cref="KeptRecord"/> objects allocated one per slow or failed line, most of them to be pushed
/// out a few thousand records later, made every such line allocate, and those records died after
/// being promoted: old-generation garbage that set the peak memory of a cold ingestion (twice over
/// when the file is counted in parts). A <see cref="KeptRecord"/> is made only when asked for, with
/// its own copy of the line, and cached in its slot until the slot is overwritten.
/// Not thread-safe, like <see cref="MetricsAggregate"/>.
/// </summary>
internal sealed class KeptRecordRing(int capacity)
{
    /// <summary>Line buffers are sized in steps of this, so that a slot mostly fits the next line too.</summary>
    private const int BufferStep = 64;

    private readonly Slot[] _slots = new Slot[Math.Max(0, capacity)];
    private int _oldest;

    public int Count { get; private set; }

    /// <param name="line">The record's line, or empty when it was too long to keep.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(long lineNumber, DateTimeOffset timestamp, string operation, string status, double durationSeconds, ReadOnlySpan<byte> line)
    {
        if (_slots.Length == 0)
        {
            return;
        }

        int index;
        if (Count < _slots.Length)
        {
            index = (_oldest + Count) % _slots.Length;
            Count++;
        }
        else
        {
            index = _oldest;
            _oldest = (_oldest + 1) % _slots.Length;
        }

        ref var slot = ref _slots[index];
        if (slot.Line is null || slot.Line.Length < line.Length)
        {
            slot.Line = new byte[(line.Length + BufferStep - 1) / BufferStep * BufferStep];
        }

        line.CopyTo(slot.Line);
        slot.LineLength = line.Length;
        slot.LineNumber = lineNumber;
        slot.Timestamp = timestamp;
        slot.Operation = operation;
        slot.Status = status;
        slot.DurationSeconds = durationSeconds;
        slot.Record = null;
    }

    /// <summary>The records newest first, filtered before any is made.</summary>
    public IEnumerable<KeptRecord> NewestFirst(DateTimeOffset? from, string? operation)
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            var index = (_oldest + i) % _slots.Length;
            var slot = _slots[index];
            if ((from is null || slot.Timestamp >= from) && (operation is null || slot.Operation == operation))
            {
                yield return _slots[index].Record ??= new KeptRecord(slot.LineNumber, slot.Timestamp, slot.Operation, slot.Status, slot.DurationSeconds,
                    slot.Line.AsSpan(0, slot.LineLength).ToArray());
            }
        }
    }

    /// <summary>Oldest first, the line as a view into the slot: for saving and for joining parts.</summary>
    public void ForEach(KeptVisitor visit)
    {
        for (var i = 0; i < Count; i++)
        {
            var slot = _slots[(_oldest + i) % _slots.Length];
            visit(slot.LineNumber, slot.Timestamp, slot.Operation, slot.Status, slot.DurationSeconds, slot.Line.AsSpan(0, slot.LineLength));
        }
    }

    public delegate void KeptVisitor(long lineNumber, DateTimeOffset timestamp, string operation, string status, double durationSeconds, ReadOnlySpan<byte> line);

    private struct Slot
    {
        public long LineNumber;
        public DateTimeOffset Timestamp;
        public string Operation;
        public string Status;
        public double DurationSeconds;
        public byte[] Line;
        public int LineLength;
        public KeptRecord? Record;
    }
}
