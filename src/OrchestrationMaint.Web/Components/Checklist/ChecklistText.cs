using System.Globalization;
using OrchestrationMaint.Core.Records.Checklist;

namespace OrchestrationMaint.Web.Components.Checklist;

/// <summary>The words the checklist's components share, so the page and the dashboard card say the same thing.</summary>
public static class ChecklistText
{
    public static string Cadence(ChecklistCadence cadence) => cadence.ToString().ToLowerInvariant();

    /// <summary>"yesterday (Sat 28 Nov 2026)", "last week (Week 47 · 16–22 Nov 2026)", "last month (October 2026)".</summary>
    public static string PreviousPeriod(ChecklistPeriod current) => current.Cadence switch
    {
        ChecklistCadence.Daily => $"yesterday ({current.Previous.Label})",
        ChecklistCadence.Weekly => $"last week ({current.Previous.Label})",
        ChecklistCadence.Monthly => $"last month ({current.Previous.Label})",
        _ => $"last quarter ({current.Previous.Label})",
    };

    /// <summary>"today", "this week", … : the period the buttons act on.</summary>
    public static string ThisPeriod(ChecklistCadence cadence) => cadence switch
    {
        ChecklistCadence.Daily => "today",
        ChecklistCadence.Weekly => "this week",
        ChecklistCadence.Monthly => "this month",
        _ => "this quarter",
    };

    /// <summary>"14 h left", "3 days left": how long until the period ends.</summary>
    public static string TimeLeft(DateTimeOffset dueBy, DateTimeOffset now)
    {
        var left = dueBy - now;
        return left.TotalHours < 1 ? $"{Math.Max(1, (int)left.TotalMinutes)} min left"
            : left.TotalHours < 48 ? string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalHours} h left")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalDays} days left");
    }
}
