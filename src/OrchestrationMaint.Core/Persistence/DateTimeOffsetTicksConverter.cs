using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace OrchestrationMaint.Core.Persistence;

/// <summary>Stores instants as UTC ticks: sortable and comparable inside SQLite, read back as UTC.</summary>
public sealed class DateTimeOffsetTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
