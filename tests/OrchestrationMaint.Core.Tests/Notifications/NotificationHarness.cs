using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Alerts;
using OrchestrationMaint.Core.Notifications;
using OrchestrationMaint.Core.Persistence;
using OrchestrationMaint.Core.Tests.Scheduling;
using OrchestrationMaint.Tests;
using Microsoft.EntityFrameworkCore;

namespace OrchestrationMaint.Core.Tests.Notifications;

/// <summary>The notification services over a real SQLite file and a hand-driven clock, wired as the app wires them.</summary>
internal sealed class NotificationHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);

    private readonly HttpClientFactory _http = new();

    private NotificationHarness(TestDatabase database, NotificationOptions options)
    {
        Database = database;
        Options = options;
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        Sender = new NotificationSender(_http, wrapped);
        Changes = new NotificationChanges(NullLogger<NotificationChanges>.Instance);
        Worker = NewWorker();
        Notifications = new AlertNotifications(Worker, Clock);
        Center = new NotificationCenter(database, database.Guard, Sender, Worker, Changes, wrapped, Clock);
        Escalator = new AlertEscalator(database, Notifications, wrapped, Clock, NullLogger<AlertEscalator>.Instance);
    }

    public TestDatabase Database { get; }

    public NotificationOptions Options { get; }

    public ManualClock Clock { get; } = new(Start);

    public NotificationSender Sender { get; }

    public NotificationChanges Changes { get; }

    public DeliveryWorker Worker { get; }

    public AlertNotifications Notifications { get; }

    public NotificationCenter Center { get; }

    public AlertEscalator Escalator { get; }

    public Actor Admin { get; private set; } = null!;

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task<NotificationHarness> StartAsync(Action<NotificationOptions>? configure = null)
    {
        var options = new NotificationOptions { AttemptTimeout = TimeSpan.FromSeconds(2) };
        configure?.Invoke(options);
        var temp = new TempDirectory("om-notify-db");
        var harness = new NotificationHarness(await TestDatabase.MigratedAsync(Path.Combine(temp.Path, "maintenance.db")), options);
        harness._dbDirectory = temp;
        harness.Admin = await harness.Database.AddUserAsync("ann", Role.Admin);
        return harness;
    }

    private TempDirectory? _dbDirectory;

    /// <summary>A second worker over the same database: what the app has after a restart.</summary>
    public DeliveryWorker NewWorker() => new(Database, Sender, Changes, Microsoft.Extensions.Options.Options.Create(Options), Clock, NullLogger<DeliveryWorker>.Instance);

    public async Task<NotificationChannel> AddChannelAsync(string name, ChannelType type, string target, Func<ChannelDraft, ChannelDraft>? change = null)
    {
        var draft = ChannelDraft.New with
        {
            Name = name,
            Type = type,
            Url = type == ChannelType.Email ? "" : target,
            Recipients = type == ChannelType.Email ? target : "",
        };
        var result = await Center.SaveAsync(null, change?.Invoke(draft) ?? draft, Admin, Token);
        Assert.True(result.Succeeded, result.Describe());
        return result.Channel!;
    }

    public static Alert NewAlert(string key = "success-rate", AlertLevel level = AlertLevel.Critical, AlertKind kind = AlertKind.SuccessRate) => new()
    {
        Key = key,
        Kind = kind,
        Level = level,
        State = AlertState.Firing,
        Title = $"Success rate below 95 % ({key})",
        Message = "Success rate 81.2 % over the last hour (threshold 95 %): look at the failures on the Logs page.",
        ConditionSince = Start.AddMinutes(-5),
        FiredAt = Start,
        LastSeenAt = Start,
        Notified = true,
    };

    /// <summary>What the alert engine does: the alert's change and its deliveries in one save, then a wake-up.</summary>
    public async Task<Alert> FireAsync(Alert? alert = null)
    {
        alert ??= NewAlert();
        await using var db = Database.CreateDbContext();
        db.Alerts.Add(alert);
        alert.Events.Add(new AlertEvent { At = Clock.GetUtcNow(), Kind = AlertEventKind.Fired, By = "system" });
        Notifications.AddDeliveries(db, alert, AlertChange.Fired);
        await db.SaveChangesAsync(Token);
        return alert;
    }

    public async Task<List<NotificationDelivery>> DeliveriesAsync()
    {
        await using var db = Database.CreateDbContext();
        return await db.NotificationDeliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync(Token);
    }

    public async Task<NotificationDelivery> OnlyDeliveryAsync() => Assert.Single(await DeliveriesAsync());

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Task.CompletedTask;
        _dbDirectory?.Dispose();
    }

    /// <summary>The app's named client: one handler, redirects not followed.</summary>
    private sealed class HttpClientFactory : IHttpClientFactory, IDisposable
    {
        private readonly SocketsHttpHandler _handler = new() { AllowAutoRedirect = false, UseCookies = false };

        public HttpClient CreateClient(string name) => new(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

        public void Dispose() => _handler.Dispose();
    }
}
