using System.Globalization;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Records.Incidents;

namespace OrchestrationMaint.Web;

/// <summary>Every route the app serves, built in one place.</summary>
public static class AppUrls
{
    public const string Home = "/";
    public const string Target = "/target";
    public const string Settings = "/settings";
    public const string Logs = "/logs";
    public const string Tasks = "/tasks";
    public const string Runs = "/runs";
    public const string RunRoute = "/runs/{Id:long}";
    public const string Schedules = "/schedules";
    public const string Backups = "/backups";
    public const string Contacts = "/contacts";
    public const string Incidents = "/incidents";
    public const string IncidentRoute = "/incidents/{Id:long}";
    public const string Checklist = "/checklist";
    public const string Alerts = "/alerts";
    public const string AlertRoute = "/alerts/{Id:long}";
    public const string AlertsApi = "/api/alerts";
    public const string Records = "/records";
    public const string Windows = "/windows";
    public const string Runbook = "/runbook";
    public const string Notifications = "/notifications";
    public const string RecordsCsv = "/api/records.csv";
    public const string Reports = "/reports";
    public const string ReportRoute = "/reports/{Id:long}";
    public const string ReportMarkdownRoute = "/api/reports/{id}.md";
    public const string ReportCsvRoute = "/api/reports/{id}.csv";
    public const string Error = "/error";
    public const string NotFound = "/not-found";
    public const string HealthLive = "/health/live";
    public const string HealthReady = "/health/ready";
    public const string Prometheus = "/metrics";
    public const string Login = "/account/login";
    public const string Logout = "/account/logout";
    public const string AccessDenied = "/account/denied";
    public const string ChangePassword = "/account/password";
    public const string Setup = "/setup";
    public const string Users = "/admin/users";
    public const string ApiKeys = "/admin/api-keys";
    public const string Audit = "/admin/audit";
    public const string AuditCsv = "/api/audit.csv";

    /// <summary>The audit trail (or, with <paramref name="csv"/>, its export) with its filters in the URL.</summary>
    public static string AuditFiltered(string? actor = null, string? action = null, string? outcome = null, DateOnly? from = null, DateOnly? to = null, bool csv = false)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("actor", actor);
        Add("action", action);
        Add("outcome", outcome);
        Add("from", from?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Add("to", to?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var path = csv ? AuditCsv : Audit;
        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }

    /// <summary>The report history, optionally one kind only, at a page (from 1).</summary>
    public static string ReportsFiltered(Core.Reports.ReportKind? kind, int page = 1)
    {
        var query = new List<string>();
        if (kind is { } k)
        {
            query.Add($"kind={Core.Reports.ReportFormat.Kind(k)}");
        }

        if (page > 1)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"page={page}"));
        }

        return query.Count == 0 ? Reports : $"{Reports}?{string.Join('&', query)}";
    }

    public static string Report(long id) => string.Create(CultureInfo.InvariantCulture, $"{Reports}/{id}");

    public static string ReportMarkdown(long id) => string.Create(CultureInfo.InvariantCulture, $"/api/reports/{id}.md");

    public static string ReportCsv(long id) => string.Create(CultureInfo.InvariantCulture, $"/api/reports/{id}.csv");

    /// <summary>The sign-in page, coming back to <paramref name="returnUrl"/> (a local path) afterwards.</summary>
    public static string LoginReturningTo(string? returnUrl) =>
        string.IsNullOrEmpty(returnUrl) || returnUrl == Home ? Login : $"{Login}?ReturnUrl={Uri.EscapeDataString(returnUrl)}";

    /// <summary>
    /// The pages a runbook procedure can link to as <c>app:KEY</c> (see Runbook/). A page that is
    /// renamed or removed here fails the runbook's test until the procedures follow.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Pages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dashboard"] = Home,
        ["tasks"] = Tasks,
        ["runs"] = Runs,
        ["schedules"] = Schedules,
        ["backups"] = Backups,
        ["logs"] = Logs,
        ["reports"] = Reports,
        ["target"] = Target,
        ["settings"] = Settings,
        ["records"] = Records,
        ["windows"] = Windows,
        ["alerts"] = Alerts,
        ["runbook"] = Runbook,
    };

    /// <summary>A task's card on the Tasks page, with its Run button (the card's id is <see cref="TaskAnchor"/>).</summary>
    public static string TaskCard(string key) => $"{Tasks}#{TaskAnchor(key)}";

    public static string TaskAnchor(string key) => $"task-{key}";

    public static string LogsFailures(string? operation = null, string? text = null) =>
        $"{Logs}?tab=failures" + (string.IsNullOrEmpty(operation) ? "" : $"&op={Uri.EscapeDataString(operation)}") + (string.IsNullOrEmpty(text) ? "" : $"&q={Uri.EscapeDataString(text)}");

    /// <summary>The dashboard for a window, optionally with the slow table filtered to one operation and the maintenance windows' hours left out.</summary>
    public static string Dashboard(MetricsWindow window, string? operation = null, bool excludeMaintenance = false) =>
        $"/?window={window.ToKey()}" + (string.IsNullOrEmpty(operation) ? "" : $"&op={Uri.EscapeDataString(operation)}") + (excludeMaintenance ? "&exclude=maintenance" : "");

    public static string Run(long id) => $"{Runs}/{id}";

    public static string Alert(long id) => $"{Alerts}/{id}";

    /// <summary>The alerts page with its filters in the URL; without a status it shows the open ones.</summary>
    public static string AlertsFiltered(AlertFilter filter) => WithQuery(Alerts,
        ("status", filter.Status == AlertStatusFilter.Open ? null : filter.Status.ToString().ToLowerInvariant()),
        ("kind", filter.Kind?.ToString()),
        ("level", filter.Level?.ToString()),
        ("q", filter.Text),
        ("page", filter.Page > 1 ? filter.Page.ToString(CultureInfo.InvariantCulture) : null));

    /// <summary>The Notifications page with its delivery-log filters and page in the URL.</summary>
    public static string NotificationsFiltered(string? status = null, long? channel = null, int page = 1) =>
        WithQuery(Notifications, ("status", status), ("channel", channel?.ToString(CultureInfo.InvariantCulture)), ("page", page > 1 ? page.ToString(CultureInfo.InvariantCulture) : null));

    public static string Incident(long id) => $"{Incidents}/{id}";

    /// <summary>The incident history with its filters in the URL; dates are days in the operator's time zone.</summary>
    public static string IncidentsFiltered(IncidentType? type = null, IncidentSeverity? severity = null, DateOnly? from = null, DateOnly? to = null, string? status = null) =>
        WithQuery(Incidents, ("type", type?.ToString()), ("severity", severity?.ToString()), ("from", Day(from)), ("to", Day(to)), ("status", status));
    /// <summary>The checklist's compliance history (the current period is <see cref="Checklist"/>).</summary>
    public const string ChecklistHistory = Checklist + "?view=history";

    /// <summary>The Records page with its filters and page in the URL.</summary>
    public static string RecordsFiltered(RecordFilter filter, int page = 1) =>
        WithQuery(Records, [.. RecordQuery(filter), ("page", page > 1 ? page.ToString(CultureInfo.InvariantCulture) : null)]);

    /// <summary>The CSV of every record the filter matches; <c>tz</c> says in which zone its days are.</summary>
    public static string RecordsCsvFiltered(RecordFilter filter) => WithQuery(RecordsCsv, [.. RecordQuery(filter), ("tz", filter.Zone?.Id)]);

    private static IEnumerable<(string Name, string? Value)> RecordQuery(RecordFilter filter) =>
    [
        ("q", filter.Text),
        ("task", filter.Task),
        ("outcome", filter.Outcome),
        ("by", filter.Person),
        ("from", Day(filter.From)),
        ("to", Day(filter.To)),
    ];

    /// <summary>The run list with its filters in the URL, so a view can be linked and bookmarked.</summary>
    public static string RunsFiltered(RunState? state = null, string? task = null, string? requestedBy = null, DateOnly? from = null, DateOnly? to = null)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("state", state?.ToString());
        Add("task", task);
        Add("by", requestedBy);
        Add("from", from?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Add("to", to?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        return query.Count == 0 ? Runs : $"{Runs}?{string.Join('&', query)}";
    }

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string WithQuery(string path, params (string Name, string? Value)[] parameters)
    {
        var query = string.Join('&', parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
        return query.Length == 0 ? path : $"{path}?{query}";
    }
}
