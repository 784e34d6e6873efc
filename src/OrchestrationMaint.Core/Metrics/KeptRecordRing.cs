using System.Runtime.CompilerServices;

namespace OrchestrationMaint.Core.Metrics;

/// <summary>
/// The newest records kept in full (slow or failed), up to a capacity, in fixed slots that are
/// overwritten in place. A line of up to <see cref="InlineBytes"/> bytes is copied into its slot's
/// place in a block shared by <see cref="SlotsPerBlock"/> slots; a longer one into a buffer of the
/// slot's own, reused when the next long line fits. A queue of
/// <see cref="KeptRecord"/> objects allocated one per slow or failed line, most of them to be pushed
/// out a few thousand records later, made every such line allocate, and those records died after
/// being promoted: old-generation garbage that set the peak memory of a cold ingestion (twice over
/// when the file is counted in parts). A <see cref="KeptRecord"/> is made only when asked for, with
/// its own copy of the line, and cached in its slot until the slot is overwritten.
/// Not thread-safe, like <see cref="MetricsAggregate"/>.
/// </summary>
internal sealed class KeptRecordRing(int capacity)
{
    /// <summary>Room for a line in a block: script lines are 100 to 250 bytes.</summary>
    private const int InlineBytes = 256;

    /// <summary>
    /// A full block is 32 KiB, allocated as the ring fills. Lines in small arrays of their own (as
    /// before) were 10,000 objects per ring, about half of what survived each young collection of a
    /// cold ingestion; these are 80. Blocks of 128 KiB (large object heap, never copied) added 3 MiB
    /// to the peak of a file of one huge line, against the "a few MiB" that file may cost.
    /// </summary>
    private const int SlotsPerBlock = 128;

    /// <summary>Own buffers are sized in steps of this, so that a slot mostly fits the next long line too.</summary>
    private const int BufferStep = 64;

    private readonly Slot[] _slots = new Slot[Math.Max(0, capacity)];
    private readonly byte[]?[] _blocks = new byte[]?[(Math.Max(0, capacity) + SlotsPerBlock - 1) / SlotsPerBlock];
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
        if (line.Length <= InlineBytes)
        {
            var block = index / SlotsPerBlock;
            _blocks[block] ??= new byte[Math.Min(SlotsPerBlock, _slots.Length - (block * SlotsPerBlock)) * InlineBytes];
            slot.OwnLine = null;
        }
        else if (slot.OwnLine is null || slot.OwnLine.Length < line.Length)
        {
            slot.OwnLine = new byte[(line.Length + BufferStep - 1) / BufferStep * BufferStep];
        }

        slot.LineLength = line.Length;
        line.CopyTo(Line(index, slot));
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
                    Line(index, slot).ToArray());
            }
        }
    }

    /// <summary>Oldest first, the line as a view into the slot: for saving and for joining parts.</summary>
    public void ForEach(KeptVisitor visit)
    {
        for (var i = 0; i < Count; i++)
        {
            var index = (_oldest + i) % _slots.Length;
            var slot = _slots[index];
            visit(slot.LineNumber, slot.Timestamp, slot.Operation, slot.Status, slot.DurationSeconds, Line(index, slot));
        }
    }

    private Span<byte> Line(int index, in Slot slot) =>
        slot.OwnLine is { } own ? own.AsSpan(0, slot.LineLength)
            : _blocks[index / SlotsPerBlock].AsSpan(index % SlotsPerBlock * InlineBytes, slot.LineLength);

    public delegate void KeptVisitor(long lineNumber, DateTimeOffset timestamp, string operation, string status, double durationSeconds, ReadOnlySpan<byte> line);

    private struct Slot
    {
        public long LineNumber;
        public DateTimeOffset Timestamp;
        public string Operation;
        public string Status;
        public double DurationSeconds;
        /// <summary>Set for a line longer than <see cref="InlineBytes"/> only.</summary>
        public byte[]? OwnLine;
        public int LineLength;
        public KeptRecord? Record;
    }
}
